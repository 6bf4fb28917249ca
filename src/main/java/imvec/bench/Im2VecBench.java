package imvec.bench;

import imvec.classvec.Im2Vec;
import imvec.classvec.Im2VecJob;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.model.EpochStats;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Im2Vec training speed: epochs of imvec's plain-Java trainer over a training set's flattened,
 * standardised pixels, and, when asked, the same network and optimiser trained through DJL on
 * libtorch over the same rows. The first epoch of each warms up (JIT, allocator) and is reported
 * but left out of the rate.
 */
public final class Im2VecBench {
    private Im2VecBench() {
    }

    /** Per-epoch wall seconds and the rate over the epochs after the first. */
    public record Side(String engine, double[] epochSeconds, double imagesPerSecond, String loadBefore) {
    }

    public record Result(String data, int images, int inputs, int classes, int hidden, int batch, int threads,
                         int cores, double decodeSeconds, Side imvec, Side reference, double speedup) {
    }

    /** Times {@code timed}'s epochs (at least 2) and, when {@code reference}, as many DJL epochs. */
    public static Result run(ImageSet train, Im2Vec timed, boolean reference, BiConsumer<Long, Long> decodeProgress) {
        int epochs = timed.epochs();
        if (epochs < 2) throw new imvec.util.UserError("--epochs must be at least 2: the first epoch only warms up.");
        long t0 = System.nanoTime();
        ImageTensors x = ImageTensors.load(train, Im2VecJob.unitPreprocess(train), decodeProgress);
        x.standardise(x.channelStats());
        double decode = (System.nanoTime() - t0) / 1e9;
        List<String> classes = train.classes();
        int hidden = timed.hidden(classes.size());
        String load = TsneBench.loadAverage();
        double[] ours = timed.fit(x.x(), x.y(), x.n(), x.size(), classes, null, null, 0).epochs().stream()
                .mapToDouble(Im2Vec.EpochStats::seconds).toArray();
        Side imvec = side("imvec (plain Java, " + timed.threads() + " threads)", ours, x.n(), load);
        Side torch = null;
        if (reference) {
            String torchLoad = TsneBench.loadAverage();
            double[] theirs = Arrays.stream(LinearPairTorch.train(x.x(), x.y(), x.n(), x.size(), hidden, classes.size(),
                            timed.batchSize(), timed.learningRate(), timed.momentum(), timed.weightDecay(), epochs,
                            timed.seed(), timed.threads()))
                    .mapToDouble(LinearPairTorch.Epoch::seconds).toArray();
            torch = side("DJL " + ai.djl.engine.Engine.getDjlVersion() + " on PyTorch "
                    + ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), theirs, x.n(), torchLoad);
        }
        return new Result(train.spec(), x.n(), x.size(), classes.size(), hidden, timed.batchSize(), timed.threads(),
                Runtime.getRuntime().availableProcessors(), decode, imvec, torch,
                torch == null ? Double.NaN : imvec.imagesPerSecond() / torch.imagesPerSecond());
    }

    private static Side side(String engine, double[] seconds, int n, String load) {
        double afterWarmUp = Arrays.stream(seconds).skip(1).sum();
        return new Side(engine, seconds, n * (seconds.length - 1) / afterWarmUp, load);
    }
}
