package dev.torch4j.nn;

import dev.torch4j.recipes.SeedModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Figures printed by torchinfo in seed 002, reproduced. */
class SummaryTest {
    @Test void flattenModelMatchesSeed002() {
        Summary s = Summary.of(SeedModels.s2Flat(), 1, 1, 28, 28);
        assertThat(s.totalParams()).isEqualTo(93_322);
        assertThat(s.toString()).contains(
                "├─Linear: 1-10                           [1, 64]                   36,928",
                "Total mult-adds (M): 2.82", "Forward/backward pass size (MB): 0.24", "Params size (MB): 0.37",
                "Estimated Total Size (MB): 0.62");
    }

    @Test void gapModelMatchesSeed002() {
        Summary s = Summary.of(SeedModels.s2Gap(), 1, 1, 28, 28);
        assertThat(s.totalParams()).isEqualTo(56_394);
        assertThat(s.toString()).contains("├─AdaptiveAvgPool2d: 1-9                 [1, 64, 1, 1]             --",
                "Total mult-adds (M): 2.79", "Params size (MB): 0.23");
    }

    @Test void catClassifierMatchesSeed002LineForLine() {
        String expected = String.join("\n",
                "==========================================================================================",
                "Layer (type:depth-idx)                   Output Shape              Param #",
                "==========================================================================================",
                "CatClassifier                            [1, 1]                    --",
                "├─Sequential: 1-1                        [1, 128, 1, 1]            --",
                "│    └─Conv2d: 2-1                       [1, 32, 148, 148]         896",
                "│    └─ReLU: 2-2                         [1, 32, 148, 148]         --",
                "│    └─MaxPool2d: 2-3                    [1, 32, 74, 74]           --",
                "│    └─Conv2d: 2-4                       [1, 64, 72, 72]           18,496",
                "│    └─ReLU: 2-5                         [1, 64, 72, 72]           --",
                "│    └─MaxPool2d: 2-6                    [1, 64, 36, 36]           --",
                "│    └─Conv2d: 2-7                       [1, 128, 34, 34]          73,856",
                "│    └─ReLU: 2-8                         [1, 128, 34, 34]          --",
                "│    └─MaxPool2d: 2-9                    [1, 128, 17, 17]          --",
                "│    └─Conv2d: 2-10                      [1, 128, 15, 15]          147,584",
                "│    └─ReLU: 2-11                        [1, 128, 15, 15]          --",
                "│    └─MaxPool2d: 2-12                   [1, 128, 7, 7]            --",
                "│    └─AdaptiveAvgPool2d: 2-13           [1, 128, 1, 1]            --",
                "├─Sequential: 1-2                        [1, 1]                    --",
                "│    └─Linear: 2-14                      [1, 512]                  66,048",
                "│    └─ReLU: 2-15                        [1, 512]                  --",
                "│    └─Linear: 2-16                      [1, 1]                    513",
                "==========================================================================================",
                "Total params: 307,393",
                "Trainable params: 307,393",
                "Non-trainable params: 0",
                "Total mult-adds (M): 234.16",
                "==========================================================================================",
                "Input size (MB): 0.27",
                "Forward/backward pass size (MB): 9.68",
                "Params size (MB): 1.23",
                "Estimated Total Size (MB): 11.18",
                "==========================================================================================");
        assertThat(Summary.of(SeedModels.get("s2-cat").create(), 1, 3, 150, 150)).hasToString(expected);
    }

    @Test void frozenParametersAreShownInParenthesesAndCountedApart() {
        Layer m = SeedModels.s2Flat();
        m.freeze("0");
        Summary s = Summary.of(m, 1, 1, 28, 28);
        assertThat(s.toString()).contains("├─Conv2d: 1-1                            [1, 32, 26, 26]           (320)",
                "Trainable params: 93,002", "Non-trainable params: 320");
    }

    @Test void summaryLeavesTrainingModeAsItWas() {
        Layer m = SeedModels.s0Cnn();
        m.train();
        ((Sequential) m).get(0).eval();
        Summary.of(m, 2, 1, 28, 28);
        assertThat(m.isTraining()).isTrue();
        assertThat(((Sequential) m).get(0).isTraining()).isFalse();
        assertThat(((Sequential) m).get(1).isTraining()).isTrue();
    }
}
