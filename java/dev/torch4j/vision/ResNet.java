package dev.torch4j.vision;

import dev.torch4j.nn.AdaptiveAvgPool2d;
import dev.torch4j.nn.BatchNorm2d;
import dev.torch4j.nn.Conv2d;
import dev.torch4j.nn.Init;
import dev.torch4j.nn.Linear;
import dev.torch4j.nn.MaxPool2d;
import dev.torch4j.nn.Layer;
import dev.torch4j.nn.ReLU;
import dev.torch4j.nn.Sequential;
import dev.torch4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * ResNet as torchvision builds it: conv1 (7x7, stride 2), bn1, relu, maxpool, layer1..layer4 of
 * {@link BasicBlock}s or {@link Bottleneck}s, adaptive average pooling and the {@code fc} head, with
 * torchvision's state-dict keys ({@code layer1.0.conv1.weight}, {@code layer2.0.downsample.0.weight},
 * {@code fc.weight}) and initialisation. Replace the head with {@code replace("fc", Linear.of(512, 2))}.
 */
public final class ResNet extends Layer {
    /** Which block the stages are made of. */
    public enum Block { BASIC, BOTTLENECK }

    private final Block block;
    private long inplanes;

    /**
     * A ResNet of {@code blocks[i]} blocks in stage i, with stage widths width, 2 width, 4 width, 8 width
     * (64 in torchvision's models; smaller widths make small test models of the same structure).
     */
    public ResNet(Block block, int[] blocks, int numClasses, int width) {
        if (blocks.length != 4) throw new IllegalArgumentException("ResNet has 4 stages, got " + blocks.length + " block counts");
        if (numClasses <= 0 || width <= 0) throw new IllegalArgumentException("numClasses and width must be positive, got " + numClasses + ", " + width);
        this.block = block;
        this.inplanes = width;
        register("conv1", Conv2d.of(3, width, 7, 7, 1, false).stride(2).padding(3));
        register("bn1", BatchNorm2d.of(width));
        register("relu", ReLU.of());
        register("maxpool", MaxPool2d.of(3, 2, 1, 1, false));
        for (int stage = 0; stage < 4; stage++) {
            register("layer" + (stage + 1), stage(width << stage, blocks[stage], stage == 0 ? 1 : 2));
        }
        register("avgpool", AdaptiveAvgPool2d.of(1, 1));
        register("fc", Linear.of((long) width * 8 * expansion(), numClasses));
        for (Layer m : modules()) {
            if (m instanceof Conv2d) Init.kaimingNormalFanOut(((Conv2d) m).weight());
            else if (m instanceof BatchNorm2d) {
                Init.constant(((BatchNorm2d) m).weight(), 1);
                Init.constant(((BatchNorm2d) m).bias(), 0);
            }
        }
    }

    public static ResNet resnet18(int numClasses) { return new ResNet(Block.BASIC, new int[] {2, 2, 2, 2}, numClasses, 64); }
    public static ResNet resnet34(int numClasses) { return new ResNet(Block.BASIC, new int[] {3, 4, 6, 3}, numClasses, 64); }
    public static ResNet resnet50(int numClasses) { return new ResNet(Block.BOTTLENECK, new int[] {3, 4, 6, 3}, numClasses, 64); }
    public static ResNet resnet101(int numClasses) { return new ResNet(Block.BOTTLENECK, new int[] {3, 4, 23, 3}, numClasses, 64); }

    private int expansion() {
        return block == Block.BASIC ? BasicBlock.EXPANSION : Bottleneck.EXPANSION;
    }

    /** torchvision's {@code _make_layer}: the first block may change stride and width through a 1x1 downsample. */
    private Sequential stage(long planes, int count, long stride) {
        List<Layer> blocks = new ArrayList<>();
        long out = planes * expansion();
        Sequential downsample = stride != 1 || inplanes != out
                ? Sequential.of(Conv2d.of(inplanes, out, 1, 1, 1, false).stride(stride), BatchNorm2d.of(out)) : null;
        blocks.add(block(inplanes, planes, stride, downsample));
        inplanes = out;
        for (int i = 1; i < count; i++) blocks.add(block(inplanes, planes, 1, null));
        return Sequential.of(blocks);
    }

    private Layer block(long in, long planes, long stride, Sequential downsample) {
        return block == Block.BASIC ? new BasicBlock(in, planes, stride, downsample) : new Bottleneck(in, planes, stride, downsample);
    }

    /** The classification head (replace it with {@code replace("fc", ...)}). */
    public Layer fc() {
        return child("fc");
    }

    /** The number of features the head receives (512 for ResNet18/34, 2048 for ResNet50/101). */
    public long headFeatures() {
        return inplanes;
    }

    @Override public Tensor forward(Tensor x) {
        x = child("maxpool").call(child("relu").call(child("bn1").call(child("conv1").call(x))));
        for (int stage = 1; stage <= 4; stage++) x = child("layer" + stage).call(x);
        return child("fc").call(child("avgpool").call(x).flatten(1));
    }
}
