package imvec.train;

import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.Preprocess;
import imvec.model.ModelCard;
import imvec.model.ProgressListener;
import imvec.util.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code imvec train} as a library call: pick the architecture that fits the images, normalise
 * with the training set's own per-channel statistics, train, evaluate, save the model directory.
 */
public final class TrainJob {
    public record Result(String architecture, TrainResult result, ModelCard card, Path dir) {
    }

    private final ImageSet train;
    private final ImageSet test;
    private final String architecture;
    private final Training.Builder training;
    private final BiConsumer<Long, Long> decodeProgress;
    private final ProgressListener listener;

    private TrainJob(Builder b) {
        this.train = Objects.requireNonNull(b.train, "setTrain");
        this.test = b.test;
        this.architecture = b.architecture != null ? b.architecture : fittingArchitecture(train);
        this.training = b.training.optArchitecture(architecture);
        this.decodeProgress = b.decodeProgress;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The test split matching a training spec, or null when there is no obvious one. */
    public static String defaultTestSpec(String trainSpec) {
        // A sample of the training split ("fashion-mnist:train[spread 500]") is tested on the same-sized sample of the test split.
        Matcher subset = Pattern.compile("(.*)(\\[(?::|spread )\\d+])").matcher(trainSpec);
        String base = subset.matches() ? subset.group(1) : trainSpec;
        String suffix = subset.matches() ? subset.group(2) : "";
        if (base.endsWith(":train")) return base.substring(0, base.length() - ":train".length()) + ":test" + suffix;
        if (base.matches("cifar(10|100)-binary:[^:#]+")) return base + ":test" + suffix;
        return null;
    }

    /** fm-cnn for 28×28 grey images, cifar-cnn otherwise (it resizes to 32×32 RGB). */
    static String fittingArchitecture(ImageSet set) {
        try {
            Image first = set.read(0);
            return first.channels() == 1 && first.width() == 28 && first.height() == 28 ? "fm-cnn" : "cifar-cnn";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result run(Path out) {
        Architecture arch = Architectures.get(architecture);
        Preprocess unit = Preprocess.builder().setChannels(arch.channels()).setSize(arch.height(), arch.width()).build();
        ImageTensors tr = ImageTensors.load(train, unit, decodeProgress);
        float[][] stats = tr.channelStats();
        tr.standardise(stats);
        ImageTensors te = null;
        if (test != null) {
            if (!test.classes().equals(train.classes())) {
                throw new UserError("test set " + test.spec() + " has classes " + test.classes() + ", not the training set's " + train.classes() + ".");
            }
            te = ImageTensors.load(test, unit, decodeProgress);
            te.standardise(stats);
        }
        Training t = training.optNormalisation(stats[0], stats[1])
                .optDataSpec(train.spec(), test == null ? null : test.spec()).build();
        try (TrainedNet net = t.newNet(train.classes())) {
            TrainResult r = t.train(net, tr.x(), tr.y(), tr.n(),
                    te == null ? null : te.x(), te == null ? null : te.y(), te == null ? 0 : te.n(), listener);
            net.save(out);
            return new Result(architecture, r, net.card(), out);
        }
    }


    public static final class Builder {
        private ImageSet train;
        private ImageSet test;
        private String architecture;
        private final Training.Builder training = Training.builder();
        private BiConsumer<Long, Long> decodeProgress;
        private ProgressListener listener = ProgressListener.NONE;

        public Builder setTrain(ImageSet train) { this.train = train; return this; }
        public Builder optTest(ImageSet test) { this.test = test; return this; }
        public Builder optArchitecture(String name) { this.architecture = name; return this; }
        public Builder optEpochs(int epochs) { training.optEpochs(epochs); return this; }
        public Builder optBatchSize(int n) { training.optBatchSize(n); return this; }
        public Builder optLearningRate(float lr) { training.optLearningRate(lr); return this; }
        public Builder optSeed(int seed) { training.optSeed(seed); return this; }
        public Builder optAugmentation(Augmentation a) { training.optAugmentation(a); return this; }
        public Builder optDecodeProgress(BiConsumer<Long, Long> p) { this.decodeProgress = p; return this; }
        public Builder optListener(ProgressListener l) { this.listener = l; return this; }

        public TrainJob build() {
            return new TrainJob(this);
        }
    }
}
