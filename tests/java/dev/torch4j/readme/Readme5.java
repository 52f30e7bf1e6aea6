package dev.torch4j.readme;

import dev.torch4j.data.TensorDataset;
import dev.torch4j.nn.Linear;
import dev.torch4j.optim.*;
import dev.torch4j.train.Trainer;
import dev.torch4j.vision.*;

/** README snippet 5 (Transfer learning), compiled exactly as the README shows it (ReadmeSnippetsTest keeps the two equal). */
final class Readme5 {
    private Readme5() {}

    static void snippet(dev.torch4j.data.Dataset photos) throws Exception {
        ResNet resnet = Weights.load(ResNet.resnet18(1000), Weights.imagenet("resnet18"));  // torchvision's .pth
        resnet.freeze();                                          // every parameter (batch norms still update their statistics, as in PyTorch)
        resnet.replace("fc", Linear.of(resnet.headFeatures(), 2)); // a new, trainable head
        Trainer.of(resnet).optimizer(Sgd.of(0.06));               // the optimizer sees fc's parameters only

        Vgg vgg = Weights.load(Vgg.vgg16(1000), Weights.imagenet("vgg16"));
        vgg.features().unfreezeFrom(10);                          // seed 002's partial fine-tuning: children 10.. train
        resnet.unfreeze("layer4");                                // or by name
        Adam.of(1e-3).on(ParamGroup.of(resnet.child("layer4"), 1e-4), ParamGroup.of(resnet.fc(), 1e-3));
        // or seed 002's fast feature extraction: a frozen base in eval mode, its features computed once
        var base = Weights.vggFeatures(Vgg.VGG16, false, Weights.imagenet("vgg16"));    // the classifier is not kept
        TensorDataset features = new FeatureExtractor(base).cache(photos, 32, null);
    }
}
