package imvec.spatial;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import imvec.finetune.TrainableTail;
import imvec.model.ProgressListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a spatial (or pooled baseline) head on cached maps: per scene its positives plus
 * sampled seen negatives to make 50 labels, binary cross-entropy on the pooled logits, Adam with a
 * one-cycle schedule, seeded batch order, label sampling and left–right flips.
 *
 * <p>With a {@link TrainableTail} (the backbone after {@code --tune-from}), the cached maps are the
 * tail's start tensors: each step runs the tail (float32, as imported) up to the tap, the head on
 * its output (float64), and one backward pass reaches both; the tail takes its own Adam steps on
 * the same one-cycle schedule, peaking at the smaller {@link Builder#optTuneLearningRate tune rate}.
 * Flips mirror the start tensors, which for a tail of 1×1 convolutions is the same as mirroring the
 * tap.
 */
public final class SpatialTraining {
    /** Sees every batch's label indices (into the seen vocabulary): for checks and tests. */
    public interface BatchObserver {
        BatchObserver NONE = (rows, labels) -> { };

        void batch(int[] rows, int[] labels);
    }

    /** The trained head and the mean loss of each epoch. */
    public record Result(Head head, List<Double> epochLosses, int scenes, double seconds) {
        public double scenesPerSecond() {
            return scenes * epochLosses.size() / seconds;
        }
    }

    /** Float64 training: float32 backward passes turned NaN within a few steps here (see the report). */
    static final boolean DOUBLES = true;

    private final String kind;
    private final int blocks, hidden, epochs, batchSize, labelsPerScene, seed, threads;
    private final double learningRate, tuneLearningRate;
    private final String tuneFrom;
    private final boolean flip;

    private SpatialTraining(Builder b) {
        kind = b.kind;
        blocks = b.blocks;
        hidden = b.hidden;
        epochs = b.epochs;
        batchSize = b.batchSize;
        labelsPerScene = b.labelsPerScene;
        seed = b.seed;
        threads = b.threads;
        learningRate = b.learningRate;
        tuneLearningRate = b.tuneLearningRate;
        tuneFrom = b.tuneFrom;
        flip = b.flip;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String kind() {
        return kind;
    }

    public int blocks() {
        return blocks;
    }

    public int hidden() {
        return hidden;
    }

    public int epochs() {
        return epochs;
    }

    public int seed() {
        return seed;
    }

    public int labelsPerScene() {
        return labelsPerScene;
    }

    public double learningRate() {
        return learningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The backbone tensor after which the backbone trains too; null when it stays frozen. */
    public String tuneFrom() {
        return tuneFrom;
    }

    public double tuneLearningRate() {
        return tuneLearningRate;
    }

    public Head newHead(int channels, int dims) {
        return kind.equals(PooledHead.KIND) ? PooledHead.create(channels, dims, seed)
                : CosineMapHead.create(channels, blocks, dims, hidden, seed);
    }

    public Result train(TrainingScenes data, ProgressListener listener, BatchObserver observer) {
        return train(data, null, listener, observer);
    }

    /**
     * Trains a head, and {@code tail} with it when not null: then {@code data}'s maps are the
     * tail's start tensors and the head reads the tail's output.
     */
    public Result train(TrainingScenes data, TrainableTail tail, ProgressListener listener, BatchObserver observer) {
        Engine.getEngine("PyTorch").setRandomSeed(seed); // loads the natives before the thread call
        JniUtils.setNumThreads(threads);
        int channels = tail == null ? data.maps().channels() : (int) tail.outputItem()[0];
        Head head = newHead(channels, data.seen().dims());
        LabelSampler sampler = new LabelSampler(data.seen().size(), labelsPerScene);
        int n = data.size();
        long batches = (n + batchSize - 1) / batchSize;
        OneCycleAdam adam = new OneCycleAdam(head.params(), learningRate, batches * epochs);
        Optimizer tailAdam = tail == null ? null : tailOptimizer(batches * epochs);
        Random random = new Random(seed);
        List<Double> losses = new ArrayList<>();
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                int[] order = permutation(n, random);
                double sum = 0;
                for (int b = 0; b < batches; b++) {
                    int from = b * batchSize, size = Math.min(batchSize, n - from);
                    float loss = step(manager, head, tail, tailAdam, data, sampler, adam, order, from, size, random, observer);
                    sum += (double) loss * size;
                    listener.batchDone(epoch * batches + b + 1, epochs * batches, loss);
                }
                losses.add(sum / n);
            }
        }
        return new Result(head, List.copyOf(losses), n, (System.nanoTime() - start) / 1e9);
    }

    /** DJL's Adam for the tail's weights (updated in place), on the head's one-cycle schedule. */
    private Optimizer tailOptimizer(long totalSteps) {
        Tracker oneCycle = t -> (float) OneCycleAdam.rate(tuneLearningRate, totalSteps, t - 1L);
        return Optimizer.adam().optLearningRateTracker(oneCycle).build();
    }

    private float step(NDManager base, Head head, TrainableTail tail, Optimizer tailAdam, TrainingScenes data,
                       LabelSampler sampler, OneCycleAdam adam, int[] order, int from, int size, Random random,
                       BatchObserver observer) {
        int per = sampler.perScene(), dims = data.seen().dims();
        int[] rows = new int[size], labels = new int[size * per];
        boolean[] flips = new boolean[size];
        float[] targets = new float[size * per], vectors = new float[size * per * dims];
        for (int i = 0; i < size; i++) {
            int scene = order[from + i];
            rows[i] = data.rows()[scene];
            flips[i] = flip && random.nextBoolean();
            sampler.sample(data.labels()[scene], random, labels, targets, i * per);
        }
        observer.batch(rows, labels);
        for (int j = 0; j < labels.length; j++) System.arraycopy(data.seen().unit()[labels[j]], 0, vectors, j * dims, dims);
        FeatureMaps m = data.maps();
        try (NDManager manager = base.newSubManager()) {
            NDList params = Heads.arrays(manager, head.params(), DOUBLES, true);
            Shape shape = new Shape(size, m.channels(), m.height(), m.width());
            NDArray start = tail == null ? null : manager.create(m.gather(rows, flips), shape);
            NDArray x = tail == null ? array(manager, m.gather(rows, flips), shape) : null;
            NDArray v = array(manager, vectors, new Shape(size, per, dims));
            NDArray y = array(manager, targets, new Shape(size, per));
            float loss;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray value;
                if (tail == null) {
                    value = binaryCrossEntropy(head.forward(params, x, v).logits(), y);
                    collector.backward(value);
                } else {
                    value = backwardThroughTail(collector, tail, start, in -> binaryCrossEntropy(head.forward(params, in, v).logits(), y));
                }
                loss = (float) value.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
            float[][] gradients = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) gradients[i] = params.get(i).getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            adam.step(head.params(), gradients);
            if (tail != null) tail.update(tailAdam);
            return loss;
        }
    }

    /**
     * The loss of the head on the tail's output, back-propagated into the head's arrays and the
     * tail's parameters. The head runs in its own precision on a detached copy of the tap (a
     * dtype cast inside the graph lost the tail's autograd history in DJL's PyTorch engine), so
     * the tail gets dLoss/dTap = g passed on as the backward pass of sum(tap · g).
     */
    static NDArray backwardThroughTail(GradientCollector collector, TrainableTail tail, NDArray start,
                                       java.util.function.Function<NDArray, NDArray> loss) {
        NDArray tap = tail.forward(start.getManager(), start);
        NDArray x = headInput(tap);
        x.setRequiresGradient(true);
        NDArray value = loss.apply(x);
        collector.backward(value);
        NDArray g = x.getGradient().toType(tap.getDataType(), false);
        collector.backward(tap.mul(g).sum());
        return value;
    }

    /** The tail's output as the head takes it: detached, in the head's precision. */
    static NDArray headInput(NDArray tap) {
        return tap.stopGradient().toType(DOUBLES ? ai.djl.ndarray.types.DataType.FLOAT64 : ai.djl.ndarray.types.DataType.FLOAT32, true);
    }

    static NDArray array(NDManager manager, float[] values, Shape shape) {
        return DOUBLES ? manager.create(Heads.toDoubles(values), shape) : manager.create(values, shape);
    }

    /** Mean binary cross-entropy of logits z against 0/1 targets, in the stable form max(z,0) − z·y + log(1 + e^−|z|). */
    static NDArray binaryCrossEntropy(NDArray z, NDArray y) {
        return z.maximum(0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log()).mean();
    }

    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Options; the defaults follow the issue (k = 5 blocks, 50 labels per scene). */
    public static final class Builder {
        private String kind = CosineMapHead.KIND;
        private int blocks = 5, hidden = 8, epochs = 10, batchSize = 32, labelsPerScene = 50, seed = 42, threads = 2;
        private double learningRate = 3e-3, tuneLearningRate = 3e-4;
        private String tuneFrom;
        private boolean flip = true;

        private Builder() {
        }

        /** {@code spatial} (default) or {@code pooled} (the baseline). */
        public Builder optKind(String kind) {
            if (!kind.equals(CosineMapHead.KIND) && !kind.equals(PooledHead.KIND)) {
                throw new imvec.util.UserError("unknown head '" + kind + "'; use spatial, pooled or conse.");
            }
            this.kind = kind;
            return this;
        }

        public Builder optBlocks(int blocks) {
            this.blocks = positive("blocks (k)", blocks);
            return this;
        }

        public Builder optHidden(int hidden) {
            this.hidden = positive("hidden channels", hidden);
            return this;
        }

        public Builder optEpochs(int epochs) {
            this.epochs = positive("epochs", epochs);
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = positive("batch size", batchSize);
            return this;
        }

        public Builder optLabelsPerScene(int labels) {
            this.labelsPerScene = positive("labels per scene", labels);
            return this;
        }

        public Builder optLearningRate(double rate) {
            if (!(rate > 0)) throw new imvec.util.UserError("the learning rate must be positive, got " + rate + ".");
            this.learningRate = rate;
            return this;
        }

        /**
         * Also trains the backbone after this tensor (its ONNX graph imported into DJL); null (the
         * default) keeps the backbone frozen. Spatial and pooled heads only.
         */
        public Builder optTuneFrom(String tensor) {
            this.tuneFrom = tensor;
            return this;
        }

        /**
         * The tail's peak learning rate; default 3e-4, a tenth of the head's, so pretrained
         * weights move less than a fresh head does.
         */
        public Builder optTuneLearningRate(double rate) {
            if (!(rate > 0)) throw new imvec.util.UserError("the tuning learning rate must be positive, got " + rate + ".");
            this.tuneLearningRate = rate;
            return this;
        }

        public Builder optSeed(int seed) {
            this.seed = seed;
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = positive("threads", threads);
            return this;
        }

        /** Mirror scenes' maps left–right at random; default on. */
        public Builder optFlip(boolean flip) {
            this.flip = flip;
            return this;
        }

        private static int positive(String what, int v) {
            if (v < 1) throw new imvec.util.UserError(what + " must be at least 1, got " + v + ".");
            return v;
        }

        public SpatialTraining build() {
            return new SpatialTraining(this);
        }
    }
}
