package imvec.bench;

import imvec.spatial.FeatureMaps;
import imvec.spatial.RegionEmbeddings;
import imvec.spatial.Scores;
import imvec.spatial.SpatialModel;
import imvec.spatial.SpatialTraining;
import imvec.spatial.TrainingScenes;
import imvec.util.UserError;
import imvec.words.LabelVectors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * The spatial model's speed on cached maps, the two figures issue 13 asks for: head training
 * scenes/s and the seconds to score 10,000 cached scenes against 100 words (goal: under 10 s).
 * The maps are synthetic, of MobileNet's real shape at 448 (768×14×14, non-negative and sparse as
 * after its ReLU), and the words random unit vectors of GloVe's 100 dims: the arithmetic is the
 * same as on real maps, which would need about 6 GB of heap for 10,000 scenes. Scoring streams the
 * scenes through in chunks (each chunk drawn fresh, outside the timing), so it never holds them all.
 *
 * <p>Three scoring paths: from cached backbone maps in float32 (the default of {@code spatial
 * score}) and in float64 (the path before), and from cached region embeddings, where the 1×1
 * convolution that does not depend on the words has been run once per collection; that one-off
 * embedding is timed too and reported beside it, not hidden.
 */
public final class SpatialBench {
    public static final int CHANNELS = 768, SIDE = 14, DIMS = 100;

    private SpatialBench() {
    }

    /** Training: scenes, epochs (the first warms up and is left out of the rate), and per-epoch seconds. */
    public record Training(String head, int scenes, int seenLabels, int labelsPerScene, int batch, int epochs,
                           double[] epochSeconds, double scenesPerSecond, String loadBefore) {
    }

    /** One scoring path timed: scenes scored, seconds, and the 10,000-scene figure at that rate. */
    public record Scoring(String path, int scenes, int words, int batch, double seconds, double scenesPerSecond,
                          double secondsFor10k, String loadBefore) {
    }

    /** Embedding the scenes once (the 1×1 convolution into region embeddings): seconds and the 10,000-scene figure. */
    public record Embedding(int scenes, double seconds, double secondsFor10k, long bytesPerScene) {
    }

    public record Result(String maps, int threads, int cores, Training training, Scoring float32, Scoring float64,
                         Embedding embedding, Scoring regions, boolean goalMet, String loadAfter) {
    }

    /**
     * @param trainScenes scenes the head trains on
     * @param epochs      training epochs, at least 2
     * @param scoreScenes scenes scored in float32 (the figure: 10,000)
     * @param words       words scored (the figure: 100)
     * @param f64Scenes   scenes also scored on the float64 path, for comparison (0 skips it)
     * @param progress    (done, total) over training batches then scored scenes
     */
    public static Result run(int trainScenes, int epochs, int scoreScenes, int words, int f64Scenes, int threads,
                             BiConsumer<Long, Long> progress) {
        if (epochs < 2) throw new UserError("--epochs must be at least 2: the first epoch only warms up.");
        if (trainScenes < 1 || scoreScenes < 1 || words < 1 || f64Scenes < 0) {
            throw new UserError("--train-scenes, --scenes and --words must be at least 1 and --float64-scenes at least 0.");
        }
        SplittableRandom random = new SplittableRandom(13);
        LabelVectors vocabulary = randomWords(Math.max(words, 200), random);
        FeatureMaps trainMaps = maps(trainScenes, random);
        int[][] labels = new int[trainScenes][];
        for (int i = 0; i < trainScenes; i++) {
            labels[i] = new int[1 + random.nextInt(4)];
            for (int j = 0; j < labels[i].length; j++) labels[i][j] = random.nextInt(vocabulary.size());
        }
        TrainingScenes data = TrainingScenes.of(trainMaps, labels, vocabulary.names(), vocabulary);
        SpatialTraining training = SpatialTraining.builder().optEpochs(epochs).optThreads(threads).build();
        String loadTrain = TsneBench.loadAverage();
        long batches = (long) epochs * ((trainScenes + training.batchSize() - 1) / training.batchSize());
        long total = batches + 2L * scoreScenes + f64Scenes;
        List<Long> epochEnds = new ArrayList<>();
        long[] start = {System.nanoTime()};
        SpatialTraining.Result trained = training.train(data, (done, all, loss) -> {
            progress.accept(done, total);
            if (done % (all / epochs) == 0) epochEnds.add(System.nanoTime());
        }, SpatialTraining.BatchObserver.NONE);
        double[] epochSeconds = new double[epochEnds.size()];
        for (int e = 0; e < epochSeconds.length; e++) epochSeconds[e] = (epochEnds.get(e) - (e == 0 ? start[0] : epochEnds.get(e - 1))) / 1e9;
        double afterWarmUp = 0;
        for (int e = 1; e < epochSeconds.length; e++) afterWarmUp += epochSeconds[e];
        Training t = new Training(trained.head().kind(), trainScenes, vocabulary.size(), training.labelsPerScene(),
                training.batchSize(), epochs, epochSeconds, trainScenes * (epochSeconds.length - 1) / afterWarmUp, loadTrain);

        SpatialModel model = new SpatialModel(trained.head());
        LabelVectors scored = new LabelVectors(vocabulary.names().subList(0, words),
                java.util.Arrays.copyOf(vocabulary.unit(), words));
        Scoring f32 = score(model, scored, scoreScenes, SpatialModel.Precision.FLOAT32, threads, random, batches, total, progress);
        Scoring f64 = f64Scenes == 0 ? null
                : score(model, scored, f64Scenes, SpatialModel.Precision.FLOAT64, threads, random, batches + scoreScenes, total, progress);
        RegionScoring regions = scoreRegions(model, scored, scoreScenes, threads, random, batches + scoreScenes + f64Scenes, total, progress);
        return new Result("synthetic " + CHANNELS + "×" + SIDE + "×" + SIDE + " ReLU maps (MobileNet conv_pw_13_relu at 448), "
                + DIMS + "-d random unit words", threads, Runtime.getRuntime().availableProcessors(), t, f32, f64,
                regions.embedding(), regions.scoring(), regions.scoring().secondsFor10k() < 10, TsneBench.loadAverage());
    }

    private static final int CHUNK = 500, BATCH = 64;

    /** One chunk of fresh synthetic scenes: the first scene's number, the maps and their ids. */
    private interface ChunkScorer {
        double[] score(int from, FeatureMaps chunk, List<String> ids);
    }

    /**
     * Draws {@code scenes} scenes chunk by chunk (outside any timing), hands each to {@code scorer},
     * which returns the seconds it timed (one or more figures), and sums those.
     */
    private static double[] chunks(int scenes, SplittableRandom random, long offset, long total, BiConsumer<Long, Long> progress,
                                   ChunkScorer scorer) {
        double[] seconds = null;
        for (int from = 0; from < scenes; from += CHUNK) {
            int size = Math.min(CHUNK, scenes - from);
            FeatureMaps chunk = maps(size, random);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < size; i++) ids.add("scene-" + (from + i));
            double[] timed = scorer.score(from, chunk, ids);
            if (seconds == null) seconds = new double[timed.length];
            for (int j = 0; j < timed.length; j++) seconds[j] += timed[j];
            progress.accept(offset + from + size, total);
        }
        return seconds;
    }

    private static void check(Scores s, int scenes, LabelVectors words) {
        if (s.scores().length != scenes * words.size()) throw new IllegalStateException("scored " + s.scores().length + " values");
    }

    private static Scoring score(SpatialModel model, LabelVectors words, int scenes, SpatialModel.Precision precision, int threads,
                                 SplittableRandom random, long offset, long total, BiConsumer<Long, Long> progress) {
        String load = TsneBench.loadAverage();
        double seconds = chunks(scenes, random, offset, total, progress, (from, chunk, ids) -> {
            long t0 = System.nanoTime();
            Scores s = model.score(chunk, ids, words, BATCH, threads, precision, d -> { });
            double took = (System.nanoTime() - t0) / 1e9;
            check(s, ids.size(), words);
            return new double[] {took};
        })[0];
        String path = precision == SpatialModel.Precision.FLOAT32 ? "float32 (default)" : "float64 (the path before)";
        return new Scoring(path, scenes, words.size(), BATCH, seconds, scenes / seconds, 10_000 * seconds / scenes, load);
    }

    /** Scoring from cached region embeddings, and the one-off embedding it needs, timed apart. */
    private record RegionScoring(Embedding embedding, Scoring scoring) {
    }

    private static RegionScoring scoreRegions(SpatialModel model, LabelVectors words, int scenes, int threads, SplittableRandom random,
                                              long offset, long total, BiConsumer<Long, Long> progress) {
        String load = TsneBench.loadAverage();
        long[] bytes = {0};
        double[] seconds = chunks(scenes, random, offset, total, progress, (from, chunk, ids) -> {
            long t0 = System.nanoTime();
            RegionEmbeddings cached = RegionEmbeddings.compute(model.head(), chunk, ids, BATCH, threads, SpatialModel.Precision.FLOAT32, d -> { });
            long t1 = System.nanoTime();
            Scores s = model.score(cached, words, BATCH, threads, d -> { });
            long t2 = System.nanoTime();
            check(s, ids.size(), words);
            bytes[0] = 4L * cached.locations() * cached.perLocation();
            return new double[] {(t2 - t1) / 1e9, (t1 - t0) / 1e9};
        });
        return new RegionScoring(new Embedding(scenes, seconds[1], 10_000 * seconds[1] / scenes, bytes[0]),
                new Scoring("float32 from cached region embeddings", scenes, words.size(), BATCH, seconds[0], scenes / seconds[0],
                        10_000 * seconds[0] / scenes, load));
    }

    /** Non-negative maps with about 30 % of the values zero, as after MobileNet's ReLU6. */
    static FeatureMaps maps(int n, SplittableRandom random) {
        float[] data = new float[Math.multiplyExact(n, CHANNELS * SIDE * SIDE)];
        for (int i = 0; i < data.length; i++) {
            double v = random.nextDouble() * 2 - 0.6;
            data[i] = v > 0 ? (float) v : 0f;
        }
        return new FeatureMaps(n, CHANNELS, SIDE, SIDE, data);
    }

    static LabelVectors randomWords(int count, SplittableRandom random) {
        List<String> names = new ArrayList<>();
        float[][] v = new float[count][DIMS];
        for (int i = 0; i < count; i++) {
            names.add("word" + i);
            for (int j = 0; j < DIMS; j++) v[i][j] = (float) (random.nextDouble() * 2 - 1);
        }
        return new LabelVectors(names, v);
    }
}
