package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.model.EpochStats;
import imvec.model.ProgressListener;
import imvec.train.Augmentation;
import imvec.train.TrainJob;
import imvec.train.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", description = "Train a small CNN whose every layer can be tapped; saves it with its card.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RelabelOption relabel;

    @Option(names = "--data", required = true, description = "Training set spec, e.g. fashion-mnist:train.")
    String data;

    @Option(names = "--test", description = "Test set spec (default: the same spec with :test for :train).")
    String test;

    @Option(names = "--arch", description = "Architecture: fm-cnn (28x28 grey) or cifar-cnn (32x32 RGB); default chosen from the data.")
    String arch;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and shuffling (default ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--augment", defaultValue = "none",
            description = "Training-image augmentation: none, flip, crop (shift up to 4 px) or flip,crop (default ${DEFAULT-VALUE}).")
    String augment;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Override
    public Integer call() {
        imvec.train.Augmentation augmentation = imvec.train.Augmentation.parse(augment);
        relabel.requireTestWhenRelabelled(test);
        ImageSet train = relabel.open(data);
        String testSpec = test != null ? test : imvec.train.TrainJob.defaultTestSpec(data);
        ImageSet testSet = testSpec == null ? null : DataSpecs.open(testSpec, null);
        imvec.train.TrainJob.Result r;
        try (ProgressBar load = common.progress("decode")) {
            r = imvec.train.TrainJob.builder().setTrain(train).optTest(testSet).optArchitecture(arch).optEpochs(epochs)
                    .optBatchSize(batch).optLearningRate(lr).optSeed(seed).optAugmentation(augmentation)
                    .optDecodeProgress(load::update)
                    .optListener(progressListener())
                    .build().run(out);
        }
        if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", out.toString());
            m.put("architecture", r.architecture());
            m.put("test_accuracy", r.result().finalTestAccuracy());
            m.put("training", r.result());
            common.printJson(m);
        } else {
            TrainResult t = r.result();
            for (EpochStats e : t.epochs()) {
                System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, test accuracy %.4f, test loss %.4f, %.1f s (%.0f images/s)%n",
                        e.epoch(), e.trainLoss(), e.testAccuracy(), e.testLoss(), e.seconds(), e.imagesPerSecond());
            }
            System.out.printf(Locale.ROOT, "Saved %s model to %s: test accuracy %.4f on %d images (%d threads).%n",
                    r.architecture(), out, t.finalTestAccuracy(), t.testImages(), t.threads());
        }
        return 0;
    }

    private ProgressListener progressListener() {
        ProgressBar bar = common.progress("train");
        return new ProgressListener() {
            public void batchDone(long done, long total, float loss) {
                bar.update(done, total);
                if (done == total) bar.close();
            }
        };
    }
}
