package imvec.finetune;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.annotation.JsonProperty;
import imvec.analysis.LinearProbe;
import imvec.analysis.Separation;
import imvec.model.EpochStats;
import imvec.model.ProgressListener;
import imvec.train.TrainedNet;
import imvec.train.Training;
import imvec.util.UserError;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Fine-tunes an imported ONNX tail with a new dense head on stored start tensors, and measures
 * the paper's before/after table.
 *
 * <p>Two stages. <b>Before</b>: the tail stays as imported; the head alone is trained on the
 * tail's features (a linear probe, the "transfer head"). <b>After</b>: tail and head train
 * together from there with a small learning rate. Each stage is scored on the test rows:
 * head accuracy and cross-entropy, and the features' class separation ({@link Separation}: a
 * transfer-head probe, silhouettes on full features, PCA-3 and t-SNE-3, reduction times). The
 * separation of both stages is measured after tuning, because the probe resets PyTorch's seed
 * and thread count. BatchNormalization always normalises with the imported
 * statistics; {@link Builder#optFreezeBatchNorm} also keeps its scale and shift.
 *
 * <p>Reproducible for a seed and thread count, like {@link Training}; one fine-tuning at a time per JVM.
 */
public final class FineTuning {
    private static final int EVAL_BATCH = 64;

    /** Start tensors of {@code n} images ({@code itemShape} each, C order) and their labels. */
    public record Rows(float[] x, long[] itemShape, int[] y, int n) {
        public Rows {
            long per = 1;
            for (long d : itemShape) per *= d;
            if ((long) n * per != x.length || y.length != n) {
                throw new IllegalArgumentException(n + " rows of " + Arrays.toString(itemShape) + " need " + n * per
                        + " values and " + n + " labels, got " + x.length + " and " + y.length);
            }
        }

        int rowLength() {
            return n == 0 ? 0 : x.length / n;
        }
    }

    /**
     * One column of the before/after table: the tuned head's accuracy and cross-entropy on the test
     * rows, and the class separation of the tail's features ({@link Separation}: a fresh transfer
     * head trained on the training rows' features and scored on the test rows', silhouettes of the
     * test rows on full features, PCA-3 and t-SNE-3).
     */
    public record Stage(@JsonProperty("accuracy") double accuracy, @JsonProperty("loss") double loss,
                        @JsonProperty("separation") Separation.Result separation) {
        public double silhouette() {
            return separation.silhouette();
        }

        /** Share of the test features' variance the first three principal components explain. */
        public double pca3() {
            return separation.pcaExplained();
        }
    }

    public record Result(@JsonProperty("before") Stage before, @JsonProperty("after") Stage after,
                         @JsonProperty("head_epochs") List<EpochStats> headEpochs,
                         @JsonProperty("tune_epochs") List<EpochStats> tuneEpochs,
                         @JsonProperty("train_rows") int trainRows, @JsonProperty("test_rows") int testRows,
                         @JsonProperty("feature_dims") int featureDims,
                         @JsonProperty("trainable_values") long trainableValues,
                         @JsonProperty("threads") int threads) {
    }

    private final int epochs;
    private final int headEpochs;
    private final float learningRate;
    private final float headLearningRate;
    private final int batchSize;
    private final boolean freezeBatchNorm;
    private final int seed;
    private final int threads;
    private final int probeEpochs;
    private final int tsneIterations;

    private FineTuning(Builder b) {
        this.epochs = b.epochs;
        this.headEpochs = b.headEpochs;
        this.learningRate = b.learningRate;
        this.headLearningRate = b.headLearningRate;
        this.batchSize = b.batchSize;
        this.freezeBatchNorm = b.freezeBatchNorm;
        this.seed = b.seed;
        this.threads = b.threads;
        this.probeEpochs = b.probeEpochs;
        this.tsneIterations = b.tsneIterations;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A tuned tail and head, loaded and trained; close it to free the weights. */
    public static final class Tuned implements AutoCloseable {
        private final Model model;
        private final Model headModel;
        private final TunedNet net;

        private final int classes;

        private Tuned(ImportedBlock tail, int classes) {
            this.classes = classes;
            this.net = new TunedNet(tail, classes);
            this.model = Model.newInstance("tuned", Device.cpu(), "PyTorch");
            this.headModel = Model.newInstance("head", Device.cpu(), "PyTorch");
            model.setBlock(net);
            headModel.setBlock(net.head());
        }

        public ImportedBlock tail() {
            return net.tail();
        }

        /** Tail and head weights in DJL's parameter format, in the tail's node order then the head. */
        public void saveParameters(OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            net.saveParameters(data);
            data.flush();
        }

        @Override
        public void close() {
            headModel.close();
            model.close();
        }
    }

    /** {@code tail} (one feature output) with a fresh dense head over {@code classes}, not yet loaded. */
    public Tuned newNet(ImportedBlock tail, int classes) {
        if (classes < 2) throw new UserError("fine-tuning needs at least two classes, got " + classes + ".");
        return new Tuned(tail, classes);
    }

    /**
     * Loads the imported weights, trains the head alone, then tail and head together, on
     * {@code train}; scores both stages on {@code test}. {@code tuned} then holds the tuned weights.
     */
    public Result run(Tuned tuned, Rows train, Rows test, ProgressListener listener) {
        if (train.n() == 0 || test.n() == 0) throw new UserError("fine-tuning needs training and test rows.");
        JniUtils.setNumThreads(threads);
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        Random order = new Random(seed);
        TunedNet net = tuned.net;
        net.initialize(tuned.model.getNDManager(), DataType.FLOAT32, ImportedNet.batchShape(1, train.itemShape()));

        // Before: the imported tail as is, with a head trained on its features.
        float[][] trainFeatures = features(tuned, train);
        float[][] testFeatures = features(tuned, test);
        Rows headTrain = asRows(trainFeatures, train.y());
        List<EpochStats> headStats = new ArrayList<>();
        try (Trainer trainer = tuned.headModel.newTrainer(config(headLearningRate))) {
            for (int e = 1; e <= headEpochs; e++) {
                headStats.add(epoch(trainer, e, headTrain, order, () -> score(tuned, testFeatures, test.y()), listener));
            }
        }
        Training.Evaluation headBefore = score(tuned, testFeatures, test.y());

        // After: tail and head together, from the trained head.
        if (freezeBatchNorm) net.tail().freezeBatchNorm();
        long trainable = net.tail().trainableValues();
        List<EpochStats> tuneStats = new ArrayList<>();
        try (Trainer trainer = tuned.model.newTrainer(config(learningRate))) {
            for (int e = 1; e <= epochs; e++) {
                tuneStats.add(epoch(trainer, e, train, order, () -> score(tuned, features(tuned, test), test.y()), listener));
            }
        }
        float[][] tunedTrain = features(tuned, train);
        float[][] tunedFeatures = features(tuned, test);
        Training.Evaluation headAfter = score(tuned, tunedFeatures, test.y());
        Separation separation = separation();
        List<String> classes = classNames(tuned.classes);
        Stage before = new Stage(headBefore.accuracy(), headBefore.loss(),
                separation.measure(trainFeatures, train.y(), testFeatures, test.y(), classes));
        Stage after = new Stage(headAfter.accuracy(), headAfter.loss(),
                separation.measure(tunedTrain, train.y(), tunedFeatures, test.y(), classes));
        return new Result(before, after, headStats, tuneStats, train.n(), test.n(), trainFeatures[0].length, trainable, threads);
    }

    private static DefaultTrainingConfig config(float lr) {
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build();
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(adam);
    }

    private static Rows asRows(float[][] rows, int[] y) {
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * d, d);
        return new Rows(flat, new long[] {d}, y, rows.length);
    }

    private EpochStats epoch(Trainer trainer, int epoch, Rows rows, Random order,
                             Supplier<Training.Evaluation> evaluate, ProgressListener listener) {
        int[] permutation = Training.permutation(rows.n(), order);
        int per = rows.rowLength();
        double lossSum = 0;
        long start = System.nanoTime();
        for (int from = 0; from < rows.n(); from += batchSize) {
            int size = Math.min(batchSize, rows.n() - from);
            float[] x = new float[size * per];
            long[] labels = new long[size];
            for (int i = 0; i < size; i++) {
                int row = permutation[from + i];
                System.arraycopy(rows.x(), row * per, x, i * per, per);
                labels[i] = rows.y()[row];
            }
            try (NDManager batch = trainer.getManager().newSubManager()) {
                float loss;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList logits = trainer.forward(new NDList(batch.create(x, ImportedNet.batchShape(size, rows.itemShape()))));
                    NDArray value = trainer.getLoss().evaluate(new NDList(batch.create(labels)), logits);
                    collector.backward(value);
                    loss = value.getFloat();
                }
                trainer.step();
                lossSum += (double) loss * size;
                listener.batchDone(from / batchSize + 1, (rows.n() + batchSize - 1) / batchSize, loss);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Training.Evaluation test = evaluate.get();
        EpochStats stats = new EpochStats(epoch, lossSum / rows.n(), test.accuracy(), test.loss(), seconds, rows.n() / seconds);
        listener.epochDone(stats);
        return stats;
    }

    /** The tail's feature rows for every start tensor, in inference mode. */
    private static float[][] features(Tuned tuned, Rows rows) {
        int per = rows.rowLength();
        List<float[]> out = new ArrayList<>(rows.n());
        TrainedNet.withoutGradients(() -> {
            try (NDManager manager = tuned.model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(manager, false);
                for (int from = 0; from < rows.n(); from += EVAL_BATCH) {
                    int size = Math.min(EVAL_BATCH, rows.n() - from);
                    try (NDManager batch = manager.newSubManager()) {
                        NDArray x = batch.create(Arrays.copyOfRange(rows.x(), from * per, (from + size) * per),
                                ImportedNet.batchShape(size, rows.itemShape()));
                        NDArray f = tuned.net.features(store, new NDList(x), false);
                        int d = (int) f.getShape().get(1);
                        float[] flat = f.toFloatArray();
                        for (int i = 0; i < size; i++) out.add(Arrays.copyOfRange(flat, i * d, (i + 1) * d));
                    }
                }
            }
            return null;
        });
        return out.toArray(float[][]::new);
    }

    /** Head accuracy and mean cross-entropy on feature rows. */
    private static Training.Evaluation score(Tuned tuned, float[][] features, int[] y) {
        Block head = tuned.net.head();
        return TrainedNet.withoutGradients(() -> {
            long correct = 0;
            double lossSum = 0;
            Loss loss = Loss.softmaxCrossEntropyLoss();
            try (NDManager manager = tuned.model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(manager, false);
                int d = features[0].length;
                for (int from = 0; from < features.length; from += EVAL_BATCH) {
                    int size = Math.min(EVAL_BATCH, features.length - from);
                    try (NDManager batch = manager.newSubManager()) {
                        float[] flat = new float[size * d];
                        long[] labels = new long[size];
                        for (int i = 0; i < size; i++) {
                            System.arraycopy(features[from + i], 0, flat, i * d, d);
                            labels[i] = y[from + i];
                        }
                        NDArray target = batch.create(labels);
                        NDList logits = head.forward(store, new NDList(batch.create(flat, new Shape(size, d))), false);
                        correct += logits.singletonOrThrow().argMax(1).eq(target).sum().getLong();
                        lossSum += loss.evaluate(new NDList(target), logits).getFloat() * size;
                    }
                }
            }
            return new Training.Evaluation((double) correct / features.length, lossSum / features.length);
        });
    }

    private Separation separation() {
        return Separation.builder().optProbe(LinearProbe.builder().optEpochs(probeEpochs)).optDimensions(3)
                .optTsneIterations(tsneIterations).optSeed(seed).build();
    }

    private static List<String> classNames(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int k = 0; k < classes; k++) names.add(Integer.toString(k));
        return names;
    }

    /**
     * Options with defaults: 3 tuning epochs at Adam lr 1e-4 after 10 head epochs at 1e-3, batch 32,
     * seed 1; a 20-epoch probe and 1,000 t-SNE iterations per stage.
     */
    public static final class Builder {
        private int epochs = 3;
        private int headEpochs = 10;
        private float learningRate = 1e-4f;
        private float headLearningRate = 1e-3f;
        private int batchSize = 32;
        private boolean freezeBatchNorm;
        private int seed = 1;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int probeEpochs = 20;
        private int tsneIterations = 1000;

        private Builder() {
        }

        /** Epochs of the transfer-head probe of each stage's features (default 20, as {@link LinearProbe}). */
        public Builder optProbeEpochs(int epochs) {
            this.probeEpochs = atLeast(epochs, 1, "probe epochs");
            return this;
        }

        /** Iterations of each stage's t-SNE to 3-D (default 1,000). */
        public Builder optTsneIterations(int iterations) {
            this.tsneIterations = atLeast(iterations, 1, "t-SNE iterations");
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = atLeast(epochs, 0, "epochs");
            return this;
        }

        public Builder optHeadEpochs(int epochs) {
            this.headEpochs = atLeast(epochs, 1, "head epochs");
            return this;
        }

        public Builder optLearningRate(float lr) {
            this.learningRate = positive(lr, "learning rate");
            return this;
        }

        public Builder optHeadLearningRate(float lr) {
            this.headLearningRate = positive(lr, "head learning rate");
            return this;
        }

        public Builder optBatchSize(int n) {
            this.batchSize = atLeast(n, 1, "batch size");
            return this;
        }

        public Builder optFreezeBatchNorm(boolean freeze) {
            this.freezeBatchNorm = freeze;
            return this;
        }

        public Builder optSeed(int seed) {
            this.seed = seed;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = atLeast(threads, 1, "threads");
            return this;
        }

        private static int atLeast(int v, int min, String what) {
            if (v < min) throw new UserError(what + " must be at least " + min + ", got " + v + ".");
            return v;
        }

        private static float positive(float v, String what) {
            if (!(v > 0)) throw new UserError(what + " must be positive, got " + v + ".");
            return v;
        }

        public FineTuning build() {
            return new FineTuning(this);
        }
    }

    /** Options as recorded in the fine-tuning card. */
    public java.util.Map<String, Object> options() {
        java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("epochs", epochs);
        o.put("head_epochs", headEpochs);
        o.put("learning_rate", learningRate);
        o.put("head_learning_rate", headLearningRate);
        o.put("batch_size", batchSize);
        o.put("optimizer", "adam");
        o.put("freeze_batchnorm_affine", freezeBatchNorm);
        o.put("batchnorm_statistics", "imported, never updated");
        o.put("seed", seed);
        o.put("threads", threads);
        o.put("probe", "transfer head (LinearProbe defaults), " + probeEpochs + " epochs, trained on the training rows' features");
        o.put("tsne", "3-D, perplexity 30 (fewer for small sets), " + tsneIterations + " iterations");
        return o;
    }
}
