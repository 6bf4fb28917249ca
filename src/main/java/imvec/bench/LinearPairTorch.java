package imvec.bench;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import imvec.train.Training;

import java.util.Arrays;
import java.util.Random;

/**
 * Im2Vec's network (pixels → H → n, no activation, softmax cross-entropy, SGD with momentum and
 * weight decay) trained through DJL on libtorch: the reference {@code imvec bench im2vec} sets
 * beside imvec's plain-Java trainer, since it runs the same kernels a PyTorch user would.
 */
public final class LinearPairTorch {
    /** One timed epoch: wall seconds and the mean training loss. */
    public record Epoch(double seconds, double loss) {
    }

    private LinearPairTorch() {
    }

    /**
     * Trains a fresh net for {@code epochs} epochs over {@code n} rows of {@code d} inputs and
     * returns each epoch's time, batches drawn in a seeded random order.
     */
    public static Epoch[] train(float[] x, int[] y, int n, int d, int hidden, int classes, int batch,
                                float learningRate, float momentum, float weightDecay, int epochs,
                                long seed, int threads) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed); // loads libtorch before the JNI call below
        JniUtils.setNumThreads(threads);
        SequentialBlock net = new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(Linear.builder().setUnits(classes).build());
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate))
                .optMomentum(momentum).optWeightDecays(weightDecay).build();
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd);
        try (Model model = Model.newInstance("im2vec-reference", "PyTorch")) {
            model.setBlock(net);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch, d));
                Random order = new Random(seed);
                Epoch[] out = new Epoch[epochs];
                for (int e = 0; e < epochs; e++) {
                    out[e] = epoch(trainer, x, y, n, d, batch, Training.permutation(n, order));
                }
                return out;
            }
        }
    }

    private static Epoch epoch(Trainer trainer, float[] x, int[] y, int n, int d, int batch, int[] order) {
        long t0 = System.nanoTime();
        double lossSum = 0;
        float[] rows = new float[batch * d];
        long[] labels = new long[batch];
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            for (int i = 0; i < size; i++) {
                System.arraycopy(x, order[from + i] * d, rows, i * d, d);
                labels[i] = y[order[from + i]];
            }
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray input = m.create(Arrays.copyOf(rows, size * d), new Shape(size, d));
                NDArray target = m.create(Arrays.copyOf(labels, size));
                try (GradientCollector g = trainer.newGradientCollector()) {
                    NDArray loss = trainer.getLoss().evaluate(new NDList(target), trainer.forward(new NDList(input)));
                    g.backward(loss);
                    lossSum += loss.getFloat() * size;
                }
                trainer.step();
            }
        }
        return new Epoch((System.nanoTime() - t0) / 1e9, lossSum / n);
    }
}
