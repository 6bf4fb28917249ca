package imvec.explore;

import imvec.analysis.Pca;
import imvec.analysis.Tsne;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The map layouts of one layer: PCA and t-SNE in 2-D and 3-D, each computed once and cached as
 * {@code explore/<layer>/<kind>.npy} in the run directory. t-SNE takes minutes on a large run, so
 * it runs in the background and reports its progress; PCA is computed at once.
 */
public final class Layouts implements AutoCloseable {
    /** A layout the map can show. */
    public enum Kind {
        PCA2("pca2", 2), PCA3("pca3", 3), TSNE2("tsne2", 2), TSNE3("tsne3", 3);

        final String key;
        final int dims;

        Kind(String key, int dims) {
            this.key = key;
            this.dims = dims;
        }

        public String key() {
            return key;
        }

        public int dims() {
            return dims;
        }

        public static Kind of(String key) {
            for (Kind k : values()) if (k.key.equals(key)) return k;
            throw new UserError("no layout '" + key + "'; use pca2, pca3, tsne2 or tsne3.");
        }
    }

    /** A finished layout (N × dims, scaled into [−1, 1]) or the progress of one being computed. */
    public record State(Kind kind, float[] coordinates, double progress, String error) {
        public boolean ready() {
            return coordinates != null;
        }
    }

    private final ExploreRun run;
    private final Path cacheDir;
    private final Map<Kind, CompletableFuture<float[]>> jobs = new ConcurrentHashMap<>();
    private final Map<Kind, Double> progress = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "imvec-explore-layout");
        t.setDaemon(true);
        return t;
    });

    public Layouts(ExploreRun run) {
        this.run = run;
        this.cacheDir = run.dir().resolve("explore").resolve(safeName(run.layer()));
    }

    /** A layer name as a folder name: anything but letters, digits, '.', '-' and '_' becomes '_'. */
    static String safeName(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return t.startsWith(".") ? "_" + t : t;
    }

    /** Computes (or loads) the layout now, on this thread. */
    public float[] compute(Kind kind) {
        return start(kind).join();
    }

    /** The layout if ready; otherwise starts it in the background and says how far it is. */
    public State poll(Kind kind) {
        CompletableFuture<float[]> f = start(kind);
        if (f.isDone()) {
            try {
                return new State(kind, f.join(), 1, null);
            } catch (RuntimeException e) {
                Throwable t = e.getCause() != null ? e.getCause() : e;
                jobs.remove(kind);
                return new State(kind, null, 0, t.getMessage());
            }
        }
        return new State(kind, null, progress.getOrDefault(kind, 0.0), null);
    }

    private CompletableFuture<float[]> start(Kind kind) {
        Path file = cacheDir.resolve(kind.key + ".npy");
        return jobs.computeIfAbsent(kind, k -> {
            if (Files.isRegularFile(file)) {
                Npy.Array a = Npy.read(file);
                if (a.rows() == run.n() && a.cols() == k.dims) return CompletableFuture.completedFuture(a.floats());
            }
            if (k == Kind.PCA2 || k == Kind.PCA3) return CompletableFuture.completedFuture(save(file, k, pca(k.dims)));
            return CompletableFuture.supplyAsync(() -> save(file, k, tsne(k)), worker);
        });
    }

    private float[] save(Path file, Kind kind, double[][] coords) {
        float[] flat = scaled(coords, kind.dims);
        try {
            Npy.write(file, flat, run.n(), kind.dims);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        progress.put(kind, 1.0);
        return flat;
    }

    private double[][] pca(int dims) {
        if (run.n() < 2) return new double[run.n()][dims];
        int d = Math.min(dims, run.rows()[0].length);
        double[][] c = Pca.builder().optComponents(d).optSeed(run.manifest().seed()).optInputName(run.layer()).build()
                .fit(run.rows()).coordinates();
        if (d == dims) return c;
        double[][] padded = new double[c.length][dims];
        for (int i = 0; i < c.length; i++) System.arraycopy(c[i], 0, padded[i], 0, d);
        return padded;
    }

    private double[][] tsne(Kind kind) {
        int n = run.n();
        if (n < 4) throw new UserError("t-SNE needs at least 4 images; this run has " + n + ".");
        int dims = run.rows()[0].length;
        double perplexity = Math.min(30, (n - 1) / 3.0);
        return Tsne.builder().optDimensions(kind.dims).optPerplexity(perplexity).optSeed(run.manifest().seed())
                .optPcaDimensions(dims > 50 ? 50 : 0).optInputName(run.layer())
                .optCallback((done, total, kl) -> progress.put(kind, done / (double) total))
                .build().fit(run.rows()).embedding();
    }

    /** Centres each axis and scales all axes by one factor so the layout fills [−1, 1]. */
    static float[] scaled(double[][] c, int dims) {
        int n = c.length;
        double[] mid = new double[dims];
        double half = 0;
        for (int j = 0; j < dims; j++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] r : c) {
                lo = Math.min(lo, r[j]);
                hi = Math.max(hi, r[j]);
            }
            mid[j] = n == 0 ? 0 : (lo + hi) / 2;
            half = Math.max(half, n == 0 ? 0 : (hi - lo) / 2);
        }
        double s = half > 0 ? 1 / half : 1;
        float[] out = new float[n * dims];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dims; j++) out[i * dims + j] = (float) ((c[i][j] - mid[j]) * s);
        }
        return out;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
