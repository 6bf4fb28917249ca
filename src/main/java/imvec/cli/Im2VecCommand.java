package imvec.cli;

import imvec.classvec.Im2Vec;
import imvec.classvec.Im2VecJob;
import imvec.classvec.Superclasses;
import imvec.classvec.WeightInverse;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.model.EpochStats;
import imvec.report.ClassVectorReport;
import imvec.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "im2vec", description = "Im2Vec class vectors: train a 2-layer linear net on pixels, invert its output weights.")
final class Im2VecCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RelabelOption relabel;

    @Option(names = "--data", required = true, description = "Training set spec, e.g. fashion-mnist:train or folder:cifar10/train.tar.gz.")
    String data;

    @Option(names = "--test", description = "Test set spec (default: the same spec with :test for :train; 'none' to skip).")
    String test;

    @Option(names = "--epochs", defaultValue = "500", description = "Epochs (default ${DEFAULT-VALUE}, the paper's for CIFAR-10).")
    int epochs;

    @Option(names = "--hidden", defaultValue = "0", description = "Hidden units H (default: the number of classes).")
    int hidden;

    @Option(names = "--inverse", defaultValue = "auto", description = "auto, exact or pinv: how W2 is inverted (default ${DEFAULT-VALUE}: exact when square).")
    String inverse;

    @Option(names = "--rcond", defaultValue = "0", description = "Drop singular values of W2 below this fraction of the largest (default 0: plain inverse, as the paper).")
    double rcond;

    @Option(names = "--superclass", description = "CIFAR-100 only: train on the fine classes of one superclass, or 'all' for each in turn.")
    String superclass;

    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--momentum", defaultValue = "0.2", description = "SGD momentum (default ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "SGD weight decay (default ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--batch", defaultValue = "512", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and batch order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads (default: all cores; results do not depend on it).")
    int threads;

    @Option(names = "--out", required = true, description = "Output directory (one subdirectory per superclass with --superclass all).")
    Path out;

    @Override
    public Integer call() throws Exception {
        WeightInverse.Mode mode = WeightInverse.Mode.parse(inverse);
        relabel.requireTestWhenRelabelled(test);
        ImageSet train = relabel.open(data);
        String testSpec = test != null ? test : imvec.train.TrainJob.defaultTestSpec(data);
        ImageSet testSet = testSpec == null || testSpec.equals("none") ? null : DataSpecs.open(testSpec, null);
        List<Map<String, Object>> results = new ArrayList<>();
        if (superclass == null) {
            results.add(runOne(train, testSet, mode, out, null));
        } else if (superclass.equalsIgnoreCase("all")) {
            List<String> names = Superclasses.names(train);
            for (int k = 0; k < names.size(); k++) {
                int fine = Superclasses.fineClassCount(train, k);
                if (fine < 2) {
                    common.warn(train.spec() + " holds images of " + fine + " fine class" + (fine == 1 ? "" : "es")
                            + " of superclass " + names.get(k) + "; skipped.");
                    continue;
                }
                results.add(runOne(Superclasses.of(train, k), testSet == null ? null : Superclasses.of(testSet, k), mode,
                        out.resolve(names.get(k)), names.get(k)));
            }
        } else {
            int k = Superclasses.index(train, superclass);
            results.add(runOne(Superclasses.of(train, k), testSet == null ? null : Superclasses.of(testSet, k), mode, out,
                    Superclasses.names(train).get(k)));
        }
        if (common.json) common.printJson(results.size() == 1 ? results.get(0) : results);
        return 0;
    }

    private Map<String, Object> runOne(ImageSet train, ImageSet testSet, WeightInverse.Mode mode, Path dir, String group) throws Exception {
        Im2Vec im2vec = Im2Vec.builder().optEpochs(epochs).optHidden(hidden).optInverse(mode).optRcond(rcond).optLearningRate(lr)
                .optMomentum(momentum).optWeightDecay(weightDecay).optBatchSize(batch).optSeed(seed).optThreads(threads)
                .optListener(this::printEpoch).build();
        if (!common.json && group != null) System.out.println("Superclass " + group + ": " + train.classes());
        Im2VecJob.Result r;
        try (ProgressBar bar = common.progress("decode")) {
            r = Im2VecJob.run(train, testSet, im2vec, bar::update);
        }
        Im2Vec.Result m = r.im2vec();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "im2vec");
        s.put("data", r.trainSpec());
        s.put("test", r.testSpec());
        if (group != null) s.put("superclass", group);
        s.put("train_images", r.trainImages());
        s.put("test_images", r.testImages());
        s.put("inputs", r.inputs());
        s.put("input_scaling", "pixels/255, standardised per channel with the training set's mean and std");
        s.put("channel_mean", r.channelMean());
        s.put("channel_std", r.channelStd());
        s.put("hidden", m.weights().hidden());
        s.put("classes", m.weights().classes());
        s.put("inverse", m.inverse().method());
        s.put("rcond", rcond);
        s.put("w2_condition_number", m.inverse().conditionNumber());
        s.put("optimizer", Map.of("name", "sgd", "lr", lr, "momentum", momentum, "weight_decay", weightDecay, "batch", batch));
        s.put("epochs", epochs);
        s.put("seed", seed);
        s.put("threads", m.threads());
        s.put("train_accuracy", m.trainAccuracy());
        s.put("test_accuracy", m.testAccuracy());
        s.put("decode_seconds", r.decodeSeconds());
        s.put("epoch_stats", m.epochs());
        String title = "Im2Vec of " + (group != null ? group : train.spec());
        s.put("weights", m.weights().save(dir).stream().map(Path::toString).toList());
        ClassVectorReport.Written w = ClassVectorReport.write(dir, m.vectors(), title, "im2vec.json", s);
        if (common.json) {
            s.put("files", w.files());
            return s;
        }
        System.out.printf(Locale.ROOT, "Im2Vec %d → %d → %d after %d epochs: train accuracy %.4f, test accuracy %.4f; class vectors by the %s of W2 (condition number %.3g).%n",
                r.inputs(), m.weights().hidden(), m.weights().classes(), epochs, m.trainAccuracy(), m.testAccuracy(),
                m.inverse().method(), m.inverse().conditionNumber());
        System.out.print(w.table().markdown(3));
        System.out.println("Wrote " + dir + " (vectors.txt, cosine.md/csv/png, pca-raw, pca-normalised, w1/b1/w2/b2.npy, im2vec.json).");
        return s;
    }

    private void printEpoch(Im2Vec.EpochStats e) {
        if (common.json) return;
        System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f, train accuracy %.4f, test accuracy %.4f, %.1f s (%.0f images/s)%n",
                e.epoch(), e.trainLoss(), e.trainAccuracy(), e.testAccuracy(), e.seconds(), e.imagesPerSecond());
    }
}
