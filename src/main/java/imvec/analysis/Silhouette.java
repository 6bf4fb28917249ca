package imvec.analysis;

import imvec.util.Parallel;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;

/**
 * The exact silhouette coefficient (Rousseeuw 1987) with scikit-learn's definitions: for row i
 * with mean distance a to the other rows of its class and smallest mean distance b to another
 * class, s = (b − a) / max(a, b); a row alone in its class, or with a = b = 0, gets 0. The score is
 * the mean over rows; a class's score is the mean over its rows.
 *
 * <p>Distances are computed in double, tile by tile, so no N×N matrix ever exists: 70,000 × 768
 * needs the data plus two N × classes sum arrays. Each distance is computed once and credited to
 * both of its rows; tiles run in diagonal waves so that concurrent tiles never share a row and
 * sums are added in a fixed order (the result does not depend on the thread count).
 *
 * <p>On large inputs (N²·D ≥ {@value #FLOAT_PRODUCTS_WORK}) euclidean dot products run in single
 * precision on centred rows, through the Vector API when the JVM has it: Fashion-MNIST's 70,000 ×
 * 784 pixels then score within 1e-8 of scikit-learn in about a quarter of the double-precision time.
 */
public final class Silhouette {
    /** The distance between two rows. */
    public enum Metric {
        /** ‖x − y‖, computed as √(‖x‖² + ‖y‖² − 2x·y) on centred rows. */
        EUCLIDEAN,
        /** 1 − cos(x, y), clipped to [0, 2]; an all-zero row is at distance 1 from every other row. */
        COSINE;

        /** Parses "euclidean" or "cosine" (any case). */
        public static Metric of(String name) {
            for (Metric m : values()) {
                if (m.name().equalsIgnoreCase(name.trim())) return m;
            }
            throw new UserError("unknown silhouette metric '" + name + "'; use euclidean or cosine.");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int BLOCK = 128;
    private static final int INNER_CHUNK = 256;
    /** N²·D multiply-adds from which dot products run in single precision by default. */
    static final double FLOAT_PRODUCTS_WORK = 1e11;

    private final Metric metric;
    private final List<String> classNames;
    private final int threads;
    private final String inputName;
    private final int block;
    private final long symmetricBudget;
    private final DoubleConsumer progress;
    private final Boolean floatProducts;

    private Silhouette(Builder b) {
        this.metric = b.metric;
        this.classNames = b.classNames;
        this.threads = b.threads();
        this.inputName = b.inputName();
        this.block = b.block;
        this.symmetricBudget = b.symmetricBudget;
        this.progress = b.progress;
        this.floatProducts = b.floatProducts;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The mean silhouette over all rows with euclidean distance, like sklearn's {@code silhouette_score}. */
    public static double score(float[][] x, int[] labels) {
        return score(x, labels, Metric.EUCLIDEAN);
    }

    public static double score(float[][] x, int[] labels, Metric metric) {
        return builder().optMetric(metric).build().compute(x, labels).score();
    }

    /** Per-row silhouettes, like sklearn's {@code silhouette_samples}. */
    public static double[] samples(float[][] x, int[] labels, Metric metric) {
        return builder().optMetric(metric).build().compute(x, labels).samples();
    }

    /**
     * Times one silhouette computation for benchmarks ({@code imvec bench}).
     *
     * @param threads worker threads, 0 for all cores
     */
    public static Timing time(float[][] x, int[] labels, Metric metric, int threads) {
        Silhouette s = builder().optMetric(metric).optThreads(threads).build();
        long start = System.nanoTime();
        double score = s.compute(x, labels).score();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Timing("silhouette " + metric, x.length, x[0].length,
                threads > 0 ? threads : Parallel.cores(), seconds, score);
    }

    /**
     * Silhouettes of one labelling.
     *
     * @param classes     the distinct label values, ascending
     * @param classNames  a name for each of {@code classes}
     * @param classSizes  rows per class
     * @param classScores mean silhouette of each class's rows
     */
    public record Result(Metric metric, double[] samples, int[] classes, List<String> classNames,
                         int[] classSizes, double[] classScores, double score) {
        /** The mean silhouette of the rows labelled {@code label}. */
        public double classScore(int label) {
            int i = Arrays.binarySearch(classes, label);
            if (i < 0) throw new IllegalArgumentException("no class with label " + label);
            return classScores[i];
        }
    }

    public static final class Builder extends MatrixOptions<Builder> {
        private Metric metric = Metric.EUCLIDEAN;
        private List<String> classNames;
        private int block = BLOCK;
        private long symmetricBudget = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4);
        private DoubleConsumer progress = done -> { };
        private Boolean floatProducts = null;

        private Builder() {
        }

        /**
         * Receives the fraction of the distance work done, rising to 1, for a progress bar (large
         * inputs take minutes). It may be called from worker threads, one call at a time.
         */
        public Builder optProgress(DoubleConsumer fractionDone) {
            this.progress = fractionDone;
            return this;
        }

        /** Distance (default euclidean). */
        public Builder optMetric(Metric metric) {
            this.metric = metric;
            return this;
        }

        /** Names indexed by label value, for messages and {@link Result#classNames()}. */
        public Builder optClassNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /** Tile side; small values let tests exercise many tiles on small data. */
        Builder optBlock(int block) {
            this.block = block;
            return this;
        }

        /**
         * Bytes allowed for the two N × classes sum arrays that let each distance serve both rows;
         * above it every row block computes all its distances itself (twice the work, little memory).
         */
        Builder optSymmetricBudget(long bytes) {
            this.symmetricBudget = bytes;
            return this;
        }

        /**
         * Whether euclidean dot products run in single precision (on centred rows, summed in double
         * every {@value #INNER_CHUNK} columns, with norms of the same float-rounded rows): about
         * 1.4× faster and within 1e-6 of scikit-learn per row. Default: on when N²·D reaches
         * {@value #FLOAT_PRODUCTS_WORK}, where the time matters. Cosine always uses double.
         */
        public Builder optFloatProducts(boolean on) {
            this.floatProducts = on;
            return this;
        }

        public Silhouette build() {
            return new Silhouette(this);
        }
    }

    /** Silhouettes of N × D rows under integer labels (any values; one per row). */
    public Result compute(float[][] x, int[] labels) {
        if (x == null || x.length == 0) throw new UserError("silhouette needs at least one row; " + inputName + " is empty.");
        if (labels == null || labels.length != x.length) {
            throw new UserError("silhouette needs one label per row: " + inputName + " has " + x.length + " rows but "
                    + (labels == null ? 0 : labels.length) + " labels were given.");
        }
        Inputs.checkMatrix(x, inputName, "silhouette");
        Classes classes = Classes.of(labels);
        int k = classes.values.length;
        if (k < 2) {
            throw new UserError("silhouette needs at least 2 classes; got 1: " + name(classes.values[0]) + ".");
        }
        if (k > x.length - 1) {
            throw new UserError("silhouette needs at most N−1 classes; " + inputName + " has " + x.length
                    + " rows in " + k + " classes.");
        }
        double[] samples = Parallel.call(threads, () -> samples(x, classes));
        return summarise(samples, classes);
    }

    private String name(int label) {
        if (classNames != null && label >= 0 && label < classNames.size()) return classNames.get(label);
        return String.valueOf(label);
    }

    /** Distinct label values, each row's index into them, and class sizes. */
    private record Classes(int[] values, int[] codes, int[] sizes) {
        static Classes of(int[] labels) {
            int[] values = Arrays.stream(labels).distinct().sorted().toArray();
            int[] codes = new int[labels.length];
            int[] sizes = new int[values.length];
            for (int i = 0; i < labels.length; i++) {
                codes[i] = Arrays.binarySearch(values, labels[i]);
                sizes[codes[i]]++;
            }
            return new Classes(values, codes, sizes);
        }
    }

    private Result summarise(double[] samples, Classes classes) {
        int k = classes.values.length;
        double[] classSum = new double[k];
        double total = 0;
        for (int i = 0; i < samples.length; i++) {
            classSum[classes.codes[i]] += samples[i];
            total += samples[i];
        }
        List<String> names = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            classSum[c] /= classes.sizes[c];
            names.add(name(classes.values[c]));
        }
        return new Result(metric, samples, classes.values, List.copyOf(names), classes.sizes, classSum,
                total / samples.length);
    }

    private double[] samples(float[][] x, Classes classes) {
        int n = x.length, k = classes.values.length;
        // Cosine distances 1 − x·y of unit rows lose more to float rounding than sklearn's 1e-6 allows.
        boolean single = metric == Metric.EUCLIDEAN
                && (floatProducts != null ? floatProducts : (double) n * n * x[0].length >= FLOAT_PRODUCTS_WORK);
        Tiles tiles = new Tiles(x, metric, block, single);
        double[] out = new double[n];
        if (2L * n * k * Double.BYTES <= symmetricBudget) symmetric(tiles, classes, out, progress);
        else rowByRow(tiles, classes, out, progress);
        return out;
    }

    /**
     * Each tile above the diagonal adds its distances to its rows' sums and, transposed, to its
     * columns' sums. Wave t holds tiles (I, I+t): no two share a row block or a column block, and
     * every sum receives its terms in the same order on every run.
     */
    private static void symmetric(Tiles tiles, Classes classes, double[] out, DoubleConsumer progress) {
        int n = tiles.n, k = classes.values.length, nb = tiles.blocks();
        int[] codes = classes.codes;
        double[] rowSums = new double[n * k];
        double[] colSums = new double[n * k];
        ThreadLocal<Tiles.Scratch> scratch = ThreadLocal.withInitial(tiles::scratch);
        for (int t = 0; t < nb; t++) {
            int offset = t;
            Parallel.forEach(nb - t, bi -> {
                int bj = bi + offset;
                double[][] g = tiles.distances(bi, bj, scratch.get());
                int i0 = bi * tiles.block, j0 = bj * tiles.block;
                int ni = tiles.size(bi), nj = tiles.size(bj);
                for (int i = 0; i < ni; i++) {
                    int base = (i0 + i) * k;
                    double[] gi = g[i];
                    for (int j = 0; j < nj; j++) rowSums[base + codes[j0 + j]] += gi[j];
                }
                if (offset == 0) return;
                for (int i = 0; i < ni; i++) {
                    int ci = codes[i0 + i];
                    double[] gi = g[i];
                    for (int j = 0; j < nj; j++) colSums[(j0 + j) * k + ci] += gi[j];
                }
            });
            // Waves shrink: after wave t, (t+1)(2nb−t)/2 of the nb(nb+1)/2 tiles are done.
            progress.accept((t + 1.0) * (2.0 * nb - t) / (nb * (nb + 1.0)));
        }
        Parallel.forEach(n, i -> {
            for (int c = 0; c < k; c++) rowSums[i * k + c] += colSums[i * k + c];
            out[i] = sample(rowSums, i * k, codes[i], classes.sizes);
        });
    }

    /** Every row block computes all of its own distances: twice the arithmetic, memory per block only. */
    private static void rowByRow(Tiles tiles, Classes classes, double[] out, DoubleConsumer progress) {
        int k = classes.values.length, nb = tiles.blocks();
        AtomicInteger blocksDone = new AtomicInteger();
        int[] codes = classes.codes;
        ThreadLocal<Tiles.Scratch> scratch = ThreadLocal.withInitial(tiles::scratch);
        Parallel.forEach(nb, bi -> {
            int i0 = bi * tiles.block, ni = tiles.size(bi);
            double[] sums = new double[ni * k];
            for (int bj = 0; bj < nb; bj++) {
                double[][] g = tiles.distances(bi, bj, scratch.get());
                int j0 = bj * tiles.block, nj = tiles.size(bj);
                for (int i = 0; i < ni; i++) {
                    double[] gi = g[i];
                    for (int j = 0; j < nj; j++) sums[i * k + codes[j0 + j]] += gi[j];
                }
            }
            for (int i = 0; i < ni; i++) out[i0 + i] = sample(sums, i * k, codes[i0 + i], classes.sizes);
            // Counting under the lock keeps the reported fractions in increasing order.
            synchronized (progress) {
                progress.accept(blocksDone.incrementAndGet() / (double) nb);
            }
        });
    }

    /** s for one row from its per-class distance sums at {@code sums[base..base+k)}. */
    static double sample(double[] sums, int base, int own, int[] sizes) {
        if (sizes[own] == 1) return 0;
        double a = sums[base + own] / (sizes[own] - 1);
        double b = Double.POSITIVE_INFINITY;
        for (int c = 0; c < sizes.length; c++) {
            if (c != own) b = Math.min(b, sums[base + c] / sizes[c]);
        }
        double m = Math.max(a, b);
        return m == 0 ? 0 : (b - a) / m;
    }

    /** Distances between blocks of rows, computed as blocked dot products in double (or single) precision. */
    private static final class Tiles {
        final int n;
        final int d;
        final int block;
        private final Metric metric;
        private final RowView view;
        private final double[] squaredNorms;
        private final boolean single;
        /** Single precision only: each row block's centred rows, and each block transposed (d × block). */
        private final float[][][] blockRows;
        private final float[][][] blockCols;

        Tiles(float[][] x, Metric metric, int block, boolean single) {
            this.n = x.length;
            this.d = x[0].length;
            this.block = block;
            this.metric = metric;
            this.single = single;
            // Centring leaves euclidean distances unchanged and shrinks ‖x‖² relative to ‖x − y‖²,
            // which is what the squared-norm trick loses precision to.
            this.view = metric == Metric.EUCLIDEAN
                    ? new RowView(x, null, Inputs.columnMeans(x, null))
                    : new RowView(x, Inputs.inverseNorms(x), null);
            this.squaredNorms = new double[n];
            if (metric == Metric.EUCLIDEAN) {
                Parallel.forEach(n, r -> squaredNorms[r] = single ? singleSquaredNorm(r) : view.squaredNorm(r, new double[d]));
            }
            // Converting rows to float once, instead of per tile, costs one more copy of the data
            // (twice, with the transposed blocks) and leaves the tiles pure multiply-adds.
            int nb = blocks();
            this.blockRows = single ? new float[nb][][] : null;
            this.blockCols = single ? new float[nb][][] : null;
            if (single) Parallel.forEach(nb, this::convertBlock);
        }

        private void convertBlock(int b) {
            int r0 = b * block, rows = size(b);
            double[] row = new double[d];
            float[][] r = new float[rows][d];
            float[][] t = new float[d][block];
            for (int i = 0; i < rows; i++) {
                view.row(r0 + i, row);
                for (int c = 0; c < d; c++) {
                    float v = (float) row[c];
                    r[i][c] = v;
                    t[c][i] = v;
                }
            }
            blockRows[b] = r;
            blockCols[b] = t;
        }

        /** ‖x‖² of the row as rounded to float, so that norms and float dot products describe the same vectors. */
        private double singleSquaredNorm(int r) {
            double[] row = new double[d];
            view.row(r, row);
            double s = 0;
            for (double v : row) {
                double f = (float) v;
                s += f * f;
            }
            return s;
        }

        final class Scratch {
            final double[][] rows = single ? null : new double[block][d];
            final double[][] colsT = single ? null : new double[d][block];
            final float[][] gF = single ? new float[block][block] : null;
            final double[][] g = new double[block][block];
            final double[] row = new double[d];
        }

        Scratch scratch() {
            return new Scratch();
        }

        int blocks() {
            return (n + block - 1) / block;
        }

        int size(int b) {
            return Math.min(block, n - b * block);
        }

        /** Distances between row blocks bi and bj, in {@code s.g[0..ni)[0..nj)}. */
        double[][] distances(int bi, int bj, Scratch s) {
            int i0 = bi * block, j0 = bj * block, ni = size(bi), nj = size(bj);
            if (single) {
                singleProducts(i0, j0, ni, nj, s);
            } else {
                doubleProducts(i0, j0, ni, nj, s);
            }
            for (int i = 0; i < ni; i++) {
                double[] gi = s.g[i];
                for (int j = 0; j < nj; j++) gi[j] = distance(i0 + i, j0 + j, gi[j]);
            }
            return s.g;
        }

        /** Float products summed over {@value #INNER_CHUNK} columns at a time, then added up in double. */
        private void singleProducts(int i0, int j0, int ni, int nj, Scratch s) {
            float[][] rows = blockRows[i0 / block], colsT = blockCols[j0 / block];
            for (int i = 0; i < ni; i++) Arrays.fill(s.g[i], 0, nj, 0);
            for (int k0 = 0; k0 < d; k0 += INNER_CHUNK) {
                for (int i = 0; i < ni; i++) Arrays.fill(s.gF[i], 0, nj, 0);
                Kernels.multiplyAdd(rows, colsT, s.gF, 0, ni, k0, Math.min(d, k0 + INNER_CHUNK), 0, nj);
                for (int i = 0; i < ni; i++) {
                    double[] gi = s.g[i];
                    float[] fi = s.gF[i];
                    for (int j = 0; j < nj; j++) gi[j] += fi[j];
                }
            }
        }

        private void doubleProducts(int i0, int j0, int ni, int nj, Scratch s) {
            for (int i = 0; i < ni; i++) view.row(i0 + i, s.rows[i]);
            for (int j = 0; j < nj; j++) {
                view.row(j0 + j, s.row);
                for (int c = 0; c < d; c++) s.colsT[c][j] = s.row[c];
            }
            for (int i = 0; i < ni; i++) Arrays.fill(s.g[i], 0, nj, 0);
            for (int k0 = 0; k0 < d; k0 += INNER_CHUNK) {
                Kernels.multiplyAdd(s.rows, s.colsT, s.g, 0, ni, k0, Math.min(d, k0 + INNER_CHUNK), 0, nj);
            }
        }

        private double distance(int i, int j, double dot) {
            if (i == j) return 0;
            if (metric == Metric.COSINE) return Math.min(2, Math.max(0, 1 - dot));
            return Math.sqrt(Math.max(0, squaredNorms[i] + squaredNorms[j] - 2 * dot));
        }
    }
}
