package imvec.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import imvec.model.EpochStats;
import imvec.model.ModelCard;
import imvec.model.ProgressListener;
import imvec.util.UserError;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link TrainedNet} on images already preprocessed to float NCHW arrays, with Adam (cosine
 * learning-rate decay to 0) and softmax cross-entropy on mini-batches drawn in a seeded random order.
 *
 * <p>Reproducibility: {@link #newNet} and {@link #train} seed PyTorch's global generator (weight
 * initialisation, dropout masks) and a {@link Random} for the batch order, so the same seed,
 * data and thread count give identical weights. The PyTorch generator and thread count are
 * process-wide, so two trainings must not run at the same time in one JVM.
 *
 * <pre>{@code
 * Training training = Training.builder().optArchitecture("fm-cnn").optEpochs(2).build();
 * try (TrainedNet net = training.newNet(classes)) {
 *     TrainResult result = training.train(net, x, y, n, testX, testY, testN, ProgressListener.NONE);
 *     net.save(dir);
 * }
 * }</pre>
 */
public final class Training {
    static final String OPTIMIZER = "adam, cosine learning-rate decay to 0";
    private static final int EVALUATION_BATCH = 500;

    private final String architecture;
    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final int seed;
    private final int threads;
    private final float[] mean;
    private final float[] std;
    private final String dataLicence;
    private final String dataSpec;
    private final String testSpec;
    private final Augmentation augmentation;

    private Training(Builder b) {
        this.architecture = b.architecture;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.seed = b.seed;
        this.threads = b.threads;
        int channels = Architectures.get(b.architecture).channels();
        this.mean = b.mean != null ? b.mean.clone() : filled(channels, 0f);
        this.std = b.std != null ? b.std.clone() : filled(channels, 1f);
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException(architecture + " has " + channels + " channels, so mean and std need "
                    + channels + " values");
        }
        this.dataLicence = b.dataLicence;
        this.dataSpec = b.dataSpec;
        this.testSpec = b.testSpec;
        this.augmentation = b.augmentation;
    }

    private static float[] filled(int length, float value) {
        float[] values = new float[length];
        Arrays.fill(values, value);
        return values;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String architecture() {
        return architecture;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public float learningRate() {
        return learningRate;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    public int seed() {
        return seed;
    }

    public int threads() {
        return threads;
    }

    /** A fresh net of this training's architecture, seeded, with a card naming {@code classes}. */
    public TrainedNet newNet(List<String> classes) {
        ModelCard card = TrainedNet.cardFor(architecture, classes, mean, std, dataLicence);
        return TrainedNet.create(architecture, card, seed);
    }

    /**
     * Trains {@code net} in place for the configured epochs and records the outcome on it, so a
     * following {@link TrainedNet#save} writes {@code training.json}.
     *
     * @param x        {@code n} preprocessed training images, NCHW float32, C order
     * @param y        their labels, {@code 0 ≤ y < classes}
     * @param testX    test images in the same form, or null to skip evaluation
     * @param testY    test labels, or null
     * @param listener told after every batch and epoch
     */
    public TrainResult train(TrainedNet net, float[] x, int[] y, int n,
                             float[] testX, int[] testY, int testN, ProgressListener listener) {
        checkData(net, x, y, n, "training");
        if (testX != null) {
            checkData(net, testX, testY, testN, "test");
        }
        synchronized (net) {
            JniUtils.setNumThreads(threads);
            Engine.getEngine("PyTorch").setRandomSeed(seed);
            Random order = new Random(seed);
            // Its own generator, so augmenting leaves the batch order, and unaugmented runs, as they were.
            Random augmenting = new Random(seed ^ 0x5DEECE66DL);
            List<EpochStats> stats = new ArrayList<>();
            long batchesPerEpoch = (n + batchSize - 1) / batchSize;
            try (Trainer trainer = net.model().newTrainer(trainingConfig(epochs * batchesPerEpoch))) {
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long before = (epoch - 1) * batchesPerEpoch;
                    EpochStats epochStats = runEpoch(net, trainer, epoch, x, y, n, order, augmenting, testX, testY, testN,
                            (done, total, loss) -> listener.batchDone(before + done, epochs * batchesPerEpoch, loss));
                    stats.add(epochStats);
                    listener.epochDone(epochStats);
                }
            }
            TrainResult result = new TrainResult(stats, n, testX == null ? 0 : testN, threads);
            net.trained(record(result));
            return result;
        }
    }

    /**
     * Adam with a cosine learning-rate decay from the base rate to 0 over all steps: the late,
     * small steps settle the weights, worth about a point of test accuracy in a two-epoch budget.
     */
    private DefaultTrainingConfig trainingConfig(long totalSteps) {
        Tracker cosine = Tracker.cosine().setBaseValue(learningRate).optFinalValue(0f)
                .setMaxUpdates((int) Math.max(1, totalSteps)).build();
        Optimizer adam = Optimizer.adam().optLearningRateTracker(cosine).build();
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam);
    }

    private EpochStats runEpoch(TrainedNet net, Trainer trainer, int epoch, float[] x, int[] y, int n, Random order,
                                Random augmenting, float[] testX, int[] testY, int testN, ProgressListener batches) {
        int[] permutation = permutation(n, order);
        int rowLength = (int) net.batchShape(1).size();
        long batchCount = (n + batchSize - 1) / batchSize;
        double lossSum = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batchCount; b++) {
            int from = b * batchSize;
            int size = Math.min(batchSize, n - from);
            float loss = trainBatch(net, trainer, x, y, rowLength, permutation, from, size, augmenting);
            lossSum += (double) loss * size;
            batches.batchDone(b + 1, batchCount, loss);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation test = testX == null ? new Evaluation(Double.NaN, Double.NaN) : evaluate(net, testX, testY, testN);
        return new EpochStats(epoch, lossSum / n, test.accuracy(), test.loss(), seconds, n / seconds);
    }

    /** Fisher–Yates shuffle driven by the seeded generator, so the batch order is reproducible. */
    public static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private float trainBatch(TrainedNet net, Trainer trainer, float[] x, int[] y, int rowLength,
                             int[] permutation, int from, int size, Random augmenting) {
        float[] images = new float[size * rowLength];
        long[] labels = new long[size];
        Shape one = net.batchShape(1);
        int channels = (int) one.get(1), height = (int) one.get(2), width = (int) one.get(3);
        float[] scratch = augmentation.isNone() ? null : new float[height * width];
        for (int i = 0; i < size; i++) {
            int row = permutation[from + i];
            System.arraycopy(x, row * rowLength, images, i * rowLength, rowLength);
            if (scratch != null) augmentation.apply(images, i * rowLength, channels, height, width, augmenting, scratch);
            labels[i] = y[row];
        }
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDList input = new NDList(manager.create(images, net.batchShape(size)));
            NDList target = new NDList(manager.create(labels));
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray lossValue = trainer.getLoss().evaluate(target, trainer.forward(input));
                collector.backward(lossValue);
                loss = lossValue.getFloat();
            }
            trainer.step();
            return loss;
        }
    }

    /** Top-1 accuracy and mean cross-entropy of a net on labelled images. */
    public record Evaluation(double accuracy, double loss) {
    }

    /** Scores {@code net} on {@code n} preprocessed images in inference mode (dropout off, BN running stats). */
    public static Evaluation evaluate(TrainedNet net, float[] x, int[] y, int n) {
        checkData(net, x, y, n, "evaluation");
        if (n == 0) {
            return new Evaluation(Double.NaN, Double.NaN);
        }
        synchronized (net) {
            return TrainedNet.withoutGradients(() -> score(net, x, y, n));
        }
    }

    private static Evaluation score(TrainedNet net, float[] x, int[] y, int n) {
        int rowLength = (int) net.batchShape(1).size();
        long correct = 0;
        double lossSum = 0;
        Loss loss = Loss.softmaxCrossEntropyLoss();
        try (NDManager manager = net.model().getNDManager().newSubManager()) {
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int from = 0; from < n; from += EVALUATION_BATCH) {
                int size = Math.min(EVALUATION_BATCH, n - from);
                try (NDManager batch = manager.newSubManager()) {
                    float[] images = Arrays.copyOfRange(x, from * rowLength, (from + size) * rowLength);
                    long[] labels = new long[size];
                    for (int i = 0; i < size; i++) {
                        labels[i] = y[from + i];
                    }
                    NDArray target = batch.create(labels);
                    NDList logits = net.network().forward(parameters,
                            new NDList(batch.create(images, net.batchShape(size))), false);
                    correct += logits.singletonOrThrow().argMax(1).eq(target).sum().getLong();
                    lossSum += loss.evaluate(new NDList(target), logits).getFloat() * size;
                }
            }
        }
        return new Evaluation((double) correct / n, lossSum / n);
    }

    private static void checkData(TrainedNet net, float[] x, int[] y, int n, String what) {
        long rowLength = net.batchShape(1).size();
        if (n < 0 || x.length < n * rowLength) {
            throw new IllegalArgumentException(what + " images: need " + n + " × " + rowLength + " values, got " + x.length);
        }
        if (y == null || y.length < n) {
            throw new IllegalArgumentException(what + " labels: need " + n + ", got " + (y == null ? 0 : y.length));
        }
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= net.classCount()) {
                throw new IllegalArgumentException(what + " label " + y[i] + " at " + i + " is outside 0.."
                        + (net.classCount() - 1));
            }
        }
    }

    private TrainingRecord record(TrainResult result) {
        return new TrainingRecord(architecture, dataSpec, testSpec, seed, epochs, batchSize, OPTIMIZER, learningRate,
                augmentation.toString(), result, imvecVersion(), "PyTorch " + Engine.getEngine("PyTorch").getVersion(),
                Engine.getDjlVersion(), Instant.now().toString());
    }

    static String imvecVersion() {
        String version = Training.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    /**
     * Training speed for {@code imvec bench train}: one epoch over {@code n} images on a fresh
     * net, after one untimed warm-up batch (PyTorch allocates and picks kernels on the first).
     */
    public Throughput measureThroughput(float[] x, int[] y, int n, List<String> classes) {
        Training oneEpoch = toBuilder().optEpochs(1).build();
        try (TrainedNet net = oneEpoch.newNet(classes)) {
            int warmUp = Math.min(batchSize, n);
            oneEpoch.train(net, x, y, warmUp, null, null, 0, ProgressListener.NONE);
            TrainResult result = oneEpoch.train(net, x, y, n, null, null, 0, ProgressListener.NONE);
            EpochStats epoch = result.epochs().getFirst();
            return new Throughput(architecture, n, batchSize, threads, epoch.seconds(), epoch.imagesPerSecond());
        }
    }

    /** Measured training speed; {@code threads} is PyTorch's intra-op thread count. */
    public record Throughput(String architecture, int images, int batchSize, int threads, double seconds,
                             double imagesPerSecond) {
    }

    public Builder toBuilder() {
        Builder b = new Builder().optArchitecture(architecture).optEpochs(epochs).optBatchSize(batchSize)
                .optLearningRate(learningRate).optSeed(seed).optThreads(threads)
                .optDataLicence(dataLicence).optDataSpec(dataSpec, testSpec).optAugmentation(augmentation);
        return b.optNormalisation(mean, std);
    }

    /** Options with defaults: fm-cnn, 2 epochs, batch 128, Adam lr 1e-3 with cosine decay, seed 1, all cores. */
    public static final class Builder {
        private String architecture = "fm-cnn";
        private int epochs = 2;
        private int batchSize = 128;
        private float learningRate = 1e-3f;
        private int seed = 1;
        private int threads = Runtime.getRuntime().availableProcessors();
        private float[] mean;
        private float[] std;
        private String dataLicence;
        private String dataSpec;
        private String testSpec;
        private Augmentation augmentation = Augmentation.NONE;

        private Builder() {
        }

        /** Random flips and shifts of training images (default none). */
        public Builder optAugmentation(Augmentation augmentation) {
            this.augmentation = java.util.Objects.requireNonNull(augmentation);
            return this;
        }

        /** One of {@link Architectures#names()}. */
        public Builder optArchitecture(String architecture) {
            Architectures.get(architecture);
            this.architecture = architecture;
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = positive(epochs, "epochs");
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = positive(batchSize, "batch size");
            return this;
        }

        public Builder optLearningRate(float learningRate) {
            if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
                throw new UserError("the learning rate must be a positive number, got " + learningRate + ".");
            }
            this.learningRate = learningRate;
            return this;
        }

        public Builder optSeed(int seed) {
            this.seed = seed;
            return this;
        }

        /** PyTorch intra-op threads; results are reproducible only for the same count. */
        public Builder optThreads(int threads) {
            this.threads = positive(threads, "threads");
            return this;
        }

        /**
         * The per-channel mean and std the caller normalised the images with; recorded in the
         * card so extraction preprocesses the same way. Default: mean 0, std 1 (plain [0,1]).
         */
        public Builder optNormalisation(float[] mean, float[] std) {
            this.mean = mean.clone();
            this.std = std.clone();
            return this;
        }

        /** Licence of the training data, written as the card's licence. */
        public Builder optDataLicence(String licence) {
            this.dataLicence = licence;
            return this;
        }

        /** Specs of the training and test sets (e.g. {@code fashion-mnist:train}), for provenance. */
        public Builder optDataSpec(String trainSpec, String testSpec) {
            this.dataSpec = trainSpec;
            this.testSpec = testSpec;
            return this;
        }

        private static int positive(int value, String name) {
            // A user's option (--epochs, --batch), so a refusal the CLI prints as one sentence.
            if (value < 1) {
                throw new UserError(name + " must be at least 1, got " + value + ".");
            }
            return value;
        }

        public Training build() {
            return new Training(this);
        }
    }
}
