package imvec.analysis;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How much class information stored features carry: a small classifier trained on them and
 * scored on held-out rows.
 *
 * <p>The default head is the transfer-learning "top model" of the image-embedding studies:
 * Flatten → BatchNorm → Dense 512 ReLU → Dropout 0.5 → Dense softmax, trained with sparse
 * softmax cross-entropy and Adam. {@link Builder#optLinear} swaps it for a plain
 * logistic-regression probe (one Dense softmax layer on features standardised with the training
 * rows' mean and std), the usual measure of <em>linear</em> separability.
 *
 * <p>Reproducibility: PyTorch's generator (initial weights, dropout masks) and a {@link Random}
 * for the batch order are seeded, and the thread count is fixed, so the same seed, rows and
 * threads give the same result. PyTorch's seed and threads are process-wide, so fits are
 * serialised within one JVM.
 *
 * <pre>{@code
 * LinearProbe.Split s = LinearProbe.split(labels, 0.2, 1);
 * LinearProbe.Result r = LinearProbe.builder().optEpochs(20).build()
 *         .fit(rows, labels, s, classNames);
 * }</pre>
 */
public final class LinearProbe {
    private static final Object PYTORCH = new Object();
    private static final int EVALUATION_BATCH = 1024;

    private final boolean linear;
    private final int hidden;
    private final float dropout;
    private final int epochs;
    private final int batchSize;
    private final float learningRate;
    private final long seed;
    private final int threads;

    private LinearProbe(Builder b) {
        this.linear = b.linear;
        this.hidden = b.hidden;
        this.dropout = b.dropout;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate != null ? b.learningRate : b.linear ? 1e-2f : 1e-3f;
        this.seed = b.seed;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Row indices of a train/test split, each sorted. */
    public record Split(int[] train, int[] test) {
    }

    /**
     * Stratified split: in every class, a seeded shuffle sends {@code round(n_c · fraction)}
     * rows to the test set (at least one when the class has two or more rows, none when it has
     * one), so each class appears in both sets in proportion to its size.
     */
    public static Split split(int[] labels, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new UserError("the test fraction must be between 0 and 1 (exclusive), not " + testFraction + ".");
        }
        int classes = Arrays.stream(labels).max().orElse(-1) + 1;
        List<List<Integer>> byClass = new ArrayList<>();
        for (int k = 0; k < classes; k++) byClass.add(new ArrayList<>());
        for (int i = 0; i < labels.length; i++) byClass.get(labels[i]).add(i);
        Random random = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> rows : byClass) {
            java.util.Collections.shuffle(rows, random);
            int n = rows.size();
            int t = n < 2 ? 0 : Math.max(1, Math.min(n - 1, (int) Math.round(n * testFraction)));
            test.addAll(rows.subList(0, t));
            train.addAll(rows.subList(t, n));
        }
        if (test.isEmpty()) throw new UserError("the split leaves no test rows; every class has a single row.");
        return new Split(train.stream().mapToInt(Integer::intValue).sorted().toArray(),
                test.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    /** One epoch's mean training loss and the held-out scores after it. */
    public record Epoch(int epoch, double trainLoss, double testAccuracy, double testLoss, double seconds) {
    }

    /**
     * What the probe achieved on the held-out rows.
     *
     * @param confusion        {@code confusion[true][predicted]} counts over the test rows
     * @param perClassAccuracy recall of each class on the test rows (NaN for a class with none)
     */
    public record Result(String head, int trainRows, int testRows, int dims, List<String> classes,
                         double testAccuracy, double testLoss, double trainAccuracy, double trainLoss,
                         double[] perClassAccuracy, long[][] confusion, List<Epoch> epochs, double seconds,
                         long seed, int threads) {
    }

    /** Fits on the {@code split.train()} rows of {@code x} and scores on {@code split.test()}. */
    public Result fit(float[][] x, int[] y, Split split, List<String> classes) {
        return fit(rows(x, split.train()), pick(y, split.train()), rows(x, split.test()), pick(y, split.test()), classes);
    }

    /** Fits on {@code (trainX, trainY)} and scores on {@code (testX, testY)}; labels index {@code classes}. */
    public Result fit(float[][] trainX, int[] trainY, float[][] testX, int[] testY, List<String> classes) {
        check(trainX, trainY, classes, "training");
        check(testX, testY, classes, "test");
        int dims = trainX[0].length;
        if (testX.length > 0 && testX[0].length != dims) {
            throw new UserError("the test rows have " + testX[0].length + " features but the training rows " + dims + ".");
        }
        float[][] mean = new float[2][];
        if (linear) mean = standardisation(trainX);
        float[] train = flatten(trainX, mean);
        float[] test = flatten(testX, mean);
        synchronized (PYTORCH) {
            // Loading the engine first loads the native library the thread setting lives in.
            Engine.getEngine("PyTorch").setRandomSeed((int) seed);
            JniUtils.setNumThreads(threads);
            long start = System.nanoTime();
            try (Model model = Model.newInstance("probe", "PyTorch")) {
                Block net = head(classes.size());
                model.setBlock(net);
                // Logistic regression starts from zero weights as its classical solvers do: random
                // starting weights would outweigh the first hundred small Adam steps.
                net.setInitializer(linear ? new ConstantInitializer(0f) : new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
                List<Epoch> history = new ArrayList<>();
                try (Trainer trainer = model.newTrainer(config())) {
                    trainer.initialize(new Shape(1, dims));
                    Random order = new Random(seed);
                    for (int e = 1; e <= epochs; e++) {
                        long t0 = System.nanoTime();
                        double loss = epoch(trainer, train, trainY, dims, order);
                        Scores s = score(model, net, test, testY, dims, classes.size());
                        history.add(new Epoch(e, loss, s.accuracy(), s.loss(), (System.nanoTime() - t0) / 1e9));
                    }
                }
                Scores trainScores = score(model, net, train, trainY, dims, classes.size());
                Scores testScores = score(model, net, test, testY, dims, classes.size());
                return new Result(linear ? "logistic-regression" : "bn-dense" + hidden + "-dropout" + dropout,
                        trainY.length, testY.length, dims, List.copyOf(classes), testScores.accuracy(), testScores.loss(),
                        trainScores.accuracy(), trainScores.loss(), perClass(testScores.confusion()),
                        testScores.confusion(), history, (System.nanoTime() - start) / 1e9, seed, threads);
            }
        }
    }

    private Block head(int classes) {
        SequentialBlock net = new SequentialBlock();
        net.add(Blocks.batchFlattenBlock());
        if (!linear) {
            net.add(BatchNorm.builder().build())
                    .add(Linear.builder().setUnits(hidden).build())
                    .add(Activation.reluBlock())
                    .add(Dropout.builder().optRate(dropout).build());
        }
        // Softmax lives in the loss (sparse softmax cross-entropy on logits), as in Keras' from_logits.
        net.add(Linear.builder().setUnits(classes).build());
        return net;
    }

    private DefaultTrainingConfig config() {
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam);
    }

    private double epoch(Trainer trainer, float[] x, int[] y, int dims, Random order) {
        int n = y.length;
        int[] p = permutation(n, order);
        double lossSum = 0;
        int seen = 0;
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            // Batch norm cannot estimate a variance from one row; a lone last row waits for the next epoch.
            if (size < 2 && !linear && n > 1) continue;
            float[] batch = new float[size * dims];
            long[] labels = new long[size];
            for (int i = 0; i < size; i++) {
                System.arraycopy(x, p[from + i] * dims, batch, i * dims, dims);
                labels[i] = y[p[from + i]];
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDList in = new NDList(m.create(batch, new Shape(size, dims)));
                NDList target = new NDList(m.create(labels));
                try (GradientCollector g = trainer.newGradientCollector()) {
                    NDArray loss = trainer.getLoss().evaluate(target, trainer.forward(in));
                    g.backward(loss);
                    lossSum += loss.getFloat() * size;
                    seen += size;
                }
                trainer.step();
            }
        }
        return seen == 0 ? Double.NaN : lossSum / seen;
    }

    private record Scores(double accuracy, double loss, long[][] confusion) {
    }

    /** Accuracy, mean cross-entropy and the confusion matrix in inference mode (dropout off, BN running stats). */
    private static Scores score(Model model, Block net, float[] x, int[] y, int dims, int classes) {
        long[][] confusion = new long[classes][classes];
        int n = y.length;
        if (n == 0) return new Scores(Double.NaN, Double.NaN, confusion);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double lossSum = 0;
        long correct = 0;
        Loss loss = Loss.softmaxCrossEntropyLoss();
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            for (int from = 0; from < n; from += EVALUATION_BATCH) {
                int size = Math.min(EVALUATION_BATCH, n - from);
                try (NDManager b = m.newSubManager()) {
                    long[] labels = new long[size];
                    for (int i = 0; i < size; i++) labels[i] = y[from + i];
                    NDArray target = b.create(labels);
                    NDList logits = net.forward(ps, new NDList(b.create(
                            Arrays.copyOfRange(x, from * dims, (from + size) * dims), new Shape(size, dims))), false);
                    lossSum += loss.evaluate(new NDList(target), logits).getFloat() * size;
                    long[] predicted = logits.singletonOrThrow().argMax(1).toType(DataType.INT64, false).toLongArray();
                    for (int i = 0; i < size; i++) {
                        confusion[y[from + i]][(int) predicted[i]]++;
                        if (predicted[i] == y[from + i]) correct++;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return new Scores((double) correct / n, lossSum / n, confusion);
    }

    private static double[] perClass(long[][] confusion) {
        double[] out = new double[confusion.length];
        for (int k = 0; k < confusion.length; k++) {
            long total = Arrays.stream(confusion[k]).sum();
            out[k] = total == 0 ? Double.NaN : (double) confusion[k][k] / total;
        }
        return out;
    }

    /** Per-feature mean and std of the training rows (std 1 where a feature is constant). */
    private static float[][] standardisation(float[][] x) {
        int d = x[0].length;
        double[] sum = new double[d];
        double[] sq = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                sum[j] += row[j];
                sq[j] += (double) row[j] * row[j];
            }
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            double m = sum[j] / x.length;
            double v = Math.max(0, sq[j] / x.length - m * m);
            mean[j] = (float) m;
            std[j] = v > 1e-12 ? (float) Math.sqrt(v) : 1f;
        }
        return new float[][] {mean, std};
    }

    private static float[] flatten(float[][] x, float[][] standardise) {
        if (x.length == 0) return new float[0];
        int d = x[0].length;
        float[] out = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) throw new UserError("row " + i + " has " + x[i].length + " features, not " + d + ".");
            for (int j = 0; j < d; j++) {
                float v = x[i][j];
                out[i * d + j] = standardise[0] == null ? v : (v - standardise[0][j]) / standardise[1][j];
            }
        }
        return out;
    }

    private static void check(float[][] x, int[] y, List<String> classes, String what) {
        if (x.length != y.length) throw new UserError("the " + what + " set has " + x.length + " rows but " + y.length + " labels.");
        if (what.equals("training") && x.length < 2) throw new UserError("the probe needs at least two training rows.");
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes.size()) {
                throw new UserError("label " + y[i] + " of " + what + " row " + i + " is outside 0.." + (classes.size() - 1) + ".");
            }
        }
    }

    private static float[][] rows(float[][] x, int[] index) {
        float[][] out = new float[index.length][];
        for (int i = 0; i < index.length; i++) out[i] = x[index[i]];
        return out;
    }

    private static int[] pick(int[] y, int[] index) {
        int[] out = new int[index.length];
        for (int i = 0; i < index.length; i++) out[i] = y[index[i]];
        return out;
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Options with the study's defaults: MLP head (512 units, dropout 0.5), Adam 1e-3, 20 epochs,
     * batch 64, seed 1, one thread. The linear probe's default learning rate is 1e-2: one layer from zero
     * weights needs larger steps to converge in the same number of epochs.
     */
    public static final class Builder {
        private boolean linear;
        private int hidden = 512;
        private float dropout = 0.5f;
        private int epochs = 20;
        private int batchSize = 64;
        private Float learningRate;
        private long seed = 1;
        // One thread: the head is small, so per-step overhead dominates and a second OpenMP
        // thread mostly spins; on a shared 2-core machine it made training ten times slower.
        private int threads = 1;

        private Builder() {
        }

        /** Logistic regression on standardised features instead of the MLP head. */
        public Builder optLinear(boolean linear) {
            this.linear = linear;
            return this;
        }

        public Builder optHiddenUnits(int hidden) {
            this.hidden = positive(hidden, "hidden units");
            return this;
        }

        public Builder optDropout(float dropout) {
            if (!(dropout >= 0 && dropout < 1)) throw new UserError("dropout must be in [0, 1), not " + dropout + ".");
            this.dropout = dropout;
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
            if (!(learningRate > 0)) throw new UserError("the learning rate must be positive, not " + learningRate + ".");
            this.learningRate = learningRate;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** PyTorch intra-op threads; results repeat exactly only for the same count. */
        public Builder optThreads(int threads) {
            this.threads = positive(threads, "threads");
            return this;
        }

        private static int positive(int v, String name) {
            if (v < 1) throw new UserError(name + " must be at least 1, not " + v + ".");
            return v;
        }

        public LinearProbe build() {
            return new LinearProbe(this);
        }
    }
}
