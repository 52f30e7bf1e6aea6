package dev.torch4j.examples;

import dev.torch4j.data.*;
import dev.torch4j.nn.*;
import dev.torch4j.optim.*;
import dev.torch4j.tensor.*;
import dev.torch4j.train.*;
import dev.torch4j.vision.*;

import java.nio.file.Path;
import java.util.List;

/**
 * Seed 000's transfer learning: torchvision's ResNet18 with ImageNet weights, every parameter frozen, the head
 * replaced by Sequential(Linear(512, 2)); SGD 0.06 on the head only, StepLR(5, 0.1), 25 epochs, on cats vs dogs
 * (128x128, greyscale x3, as the seed's from-scratch CNN). The seed reports test accuracy 0.81.
 * DIR holds one folder per class (split 72/8/20 here); WEIGHTS defaults to torchvision's resnet18-f37072fd.pth,
 * looked up (or downloaded) by {@link Weights#imagenet}. Frozen batch-norm layers keep their ImageNet statistics.
 * Run: {@code java -cp target/torch4j.jar dev.torch4j.examples.Seed000ResNet18Transfer DIR [WEIGHTS] [EPOCHS]}
 */
public final class Seed000ResNet18Transfer {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Path weights = args.length > 1 ? Path.of(args[1]) : Weights.imagenet("resnet18");
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 25;

        ResNet resnet18 = Weights.load(ResNet.resnet18(1000), weights);
        resnet18.freeze();                                                   // for param in resnet18.parameters(): requires_grad = False
        resnet18.replace("fc", Sequential.of(Linear.of(resnet18.headFeatures(), 2)));  // a new, trainable head
        System.out.println(resnet18.summary(1, 3, 128, 128));

        Pipeline train = Transforms.compose(Transforms.resize(128, 128), Transforms.randomHorizontalFlip(), Transforms.randomRotation(10),
                Transforms.colorJitter(0.1, 0.1, 0), Transforms.grayscale(3), Transforms.toTensor());
        Pipeline plain = Transforms.compose(Transforms.resize(128, 128), Transforms.grayscale(3), Transforms.toTensor());
        ImageFolder photos = ImageFolder.open(dir, train).seed(42).skipUnreadable(true);
        long n = photos.size(), test = n / 5, valid = (n - test) / 10;
        List<Subset> split = Datasets.randomSplit(photos, 42, n - test - valid, valid, test);
        ImageFolder unaugmented = photos.pipeline(plain);

        Trainer trainer = Trainer.of(resnet18).callbacks(ProgressPrinter.console()).optimizer(Sgd.of(0.06))       // binds the trainable parameters: fc only
                .scheduler(o -> StepLR.of(o, 5, 0.1)).epochs(epochs).batchSize(512).seed(42).device(Device.auto());
        trainer.fit(split.get(0), new Subset(unaugmented, split.get(1).indices()));
        Evaluation e = trainer.evaluate(new Subset(unaugmented, split.get(2).indices()));
        System.out.printf("ResNet18 transfer: test loss %.4f, test accuracy %.4f (%d photos)%n", e.loss(), e.accuracy(), e.samples());
    }
}
