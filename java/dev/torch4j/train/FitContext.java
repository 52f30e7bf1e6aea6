package dev.torch4j.train;

import dev.torch4j.nn.Layer;

import java.util.Optional;
import java.util.Set;

/**
 * What a callback learns when a run starts: the model, how many epochs (validation periods) and steps per period it
 * will run, which metrics each epoch will carry, the history so far (longer than empty in a resumed run), and the
 * period and step the run starts at, and the layout a {@link Trainer#measureMemoryFormat(boolean) measuring} run chose
 * (empty when it did not measure).
 */
public record FitContext(Layer model, int periods, long stepsPerPeriod, Set<String> metrics, History history,
                         int firstPeriod, long firstStep, boolean byIterations, Optional<LayoutChoice> layoutChoice) {}
