package imvec.bench;

import imvec.explore.ExploreRun;
import imvec.explore.SpatialExplorer;
import imvec.spatial.RegionCache;
import imvec.spatial.Scores;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * {@code imvec bench explore-spatial}: the explorer's spatial features on a run as the server runs
 * them: building (or reusing) the disk cache of region embeddings, its size, the heap it leaves in
 * use, and the seconds of a new word's layout, a two-word layout, diversity × word, clusters around
 * three words and a word already scored. With {@code compareWords}, the float16 cache's scores
 * beside a float32 cache's (built too) for those words: largest difference and top-100 overlap.
 */
public final class ExploreSpatialBench {
    private ExploreSpatialBench() {
    }

    public record Timing(String what, double seconds, String loadBefore) {
    }

    /** float16 against float32 for one word over every image. */
    public record Precision(String word, double maxAbsDifference, double meanAbsDifference, int top100Shared, double spearman) {
    }

    public record Result(int images, String layout, String storage, boolean reused, double buildSeconds, long cacheBytes,
                         long heapUsedBytes, long heapMaxBytes, List<Timing> timings, List<Precision> float32, int cores,
                         String loadBefore, String loadAfter) {
    }

    /** Images done of all, while a cache is built. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    public static Result run(Path runDir, Path model, Path words, List<String> compareWords, Progress bar) {
        String loadBefore = TsneBench.loadAverage();
        ExploreRun run = ExploreRun.open(runDir, null);
        LongConsumer progress = d -> bar.update(d, run.n());
        long t0 = System.nanoTime();
        SpatialExplorer s = SpatialExplorer.open(run, model, words, null);
        boolean reused = "ready".equals(s.progress().get("status"));
        RegionCache cache = s.await(progress);
        double build = (System.nanoTime() - t0) / 1e9;
        List<Timing> t = new ArrayList<>();
        t.add(time("a new word's layout (x = 'shirt')", () -> s.layout(List.of("shirt"))));
        t.add(time("the same word again (kept)", () -> s.layout(List.of("shirt"))));
        t.add(time("two new words' layout (x = 'boot', y = 'bag')", () -> s.layout(List.of("boot", "bag"))));
        t.add(time("diversity × a new word ('dress'), diversity read from the cache", () -> s.diversityLayout("dress")));
        t.add(time("clusters around three new words (shoe, coat, handbag)", () -> s.clusters(List.of("shoe", "coat", "handbag"), 0)));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        List<Precision> precision = new ArrayList<>();
        if (!compareWords.isEmpty()) {
            SpatialExplorer wide = SpatialExplorer.open(run, model, words, null, RegionCache.Storage.FLOAT32);
            wide.await(progress);
            for (String w : compareWords) precision.add(compare(w, s.score(w).scores(), wide.score(w).scores()));
        }
        return new Result(run.n(), cache.layout().name(), cache.storage().name(), reused, build, cache.bytesOnDisk(), heap, rt.maxMemory(), t,
                precision, Runtime.getRuntime().availableProcessors(), loadBefore, TsneBench.loadAverage());
    }

    private static Timing time(String what, Supplier<Object> work) {
        String load = TsneBench.loadAverage();
        long t0 = System.nanoTime();
        work.get();
        return new Timing(what, (System.nanoTime() - t0) / 1e9, load);
    }

    static Precision compare(String word, float[] half, float[] full) {
        double max = 0, sum = 0;
        for (int i = 0; i < half.length; i++) {
            double d = Math.abs(half[i] - full[i]);
            max = Math.max(max, d);
            sum += d;
        }
        int[] a = order(half), b = order(full);
        java.util.Set<Integer> top = new java.util.HashSet<>();
        for (int i = 0; i < Math.min(100, a.length); i++) top.add(a[i]);
        int shared = 0;
        for (int i = 0; i < Math.min(100, b.length); i++) if (top.contains(b[i])) shared++;
        return new Precision(word, max, sum / half.length, shared, spearman(a, b));
    }

    /** Rows by descending score (ties by row). */
    private static int[] order(float[] v) {
        Integer[] o = new Integer[v.length];
        for (int i = 0; i < o.length; i++) o[i] = i;
        Arrays.sort(o, (x, y) -> v[x] != v[y] ? Float.compare(v[y], v[x]) : Integer.compare(x, y));
        return Arrays.stream(o).mapToInt(Integer::intValue).toArray();
    }

    /** Spearman's rank correlation of two orders of the same rows (no ties: each order is strict). */
    private static double spearman(int[] a, int[] b) {
        int n = a.length;
        long[] rankA = new long[n], rankB = new long[n];
        for (int i = 0; i < n; i++) {
            rankA[a[i]] = i;
            rankB[b[i]] = i;
        }
        double d2 = 0;
        for (int i = 0; i < n; i++) d2 += (double) (rankA[i] - rankB[i]) * (rankA[i] - rankB[i]);
        return 1 - 6 * d2 / ((double) n * ((double) n * n - 1));
    }
}
