package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import imvec.analysis.MapSearch;
import imvec.words.LabelVectors;
import imvec.spatial.MapQuery;
import imvec.spatial.Projection;
import imvec.spatial.WordClusters;
import imvec.spatial.CosineMapHead;
import imvec.spatial.RegionCache;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.words.ConceptNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spatial visual-semantic model plugged into the explorer: any word ranks the run's images
 * zero-shot, is localised over one image, lays the collection out along one or two words, and
 * painted +/−/0 grids search it by where words sit. The head's region embeddings of every image
 * are computed once, in the background, into a memory-mapped disk cache in the run directory
 * ({@link RegionCache}, keyed by the backbone, its tap and input size, the run's data and ids, and
 * the head's 1×1 convolution), so the heap holds only the scores of the last few words. Until the
 * cache is ready, every spatial call throws {@link NotReady}, which carries the progress.
 *
 * <p>All calls into {@code imvec.spatial} go through {@link #open} (model, words, cache) and
 * {@link #scores(String)} (scoring), so they can be re-pointed in one place.
 */
public final class SpatialExplorer implements WordScorer, LocalisationMaps {
    /** What a word may be: letters and digits, with spaces, '-', '_' or apostrophes between. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} '_-]{0,63}");
    /** Painted grids larger than this say nothing a map of 7×7 or 14×14 locations could answer. */
    static final int MAX_GRID = 8;
    static final int MAX_QUERY_WORDS = 4;
    /** Each word's scores keep N·H·W map values (55 MB at 70,000 images of 14×14): a few words, not many. */
    private static final int CACHED_WORDS = 8;
    static final int MAX_CLUSTER_WORDS = 8;
    private static final int BUILD_BATCH = 64, SCORE_BATCH = 512, THREADS = 2;

    private final ExploreRun run;
    private final Path modelDir;
    private final SpatialRun model;
    private final CosineMapHead head;
    private final SpatialJob.Tap tap;
    private final Path words;
    private final java.util.Map<String, String> names;
    private final Path cacheDir;
    private final RegionCache.Storage storage;
    private final Progress progress = new Progress();
    private final CompletableFuture<RegionCache> cache = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger scorings = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<String, CompletableFuture<imvec.spatial.Scores>> scored = new LinkedHashMap<>(CACHED_WORDS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, CompletableFuture<imvec.spatial.Scores>> e) {
            return size() > CACHED_WORDS;
        }
    };

    private SpatialExplorer(ExploreRun run, Path modelDir, SpatialRun model, CosineMapHead head, SpatialJob.Tap tap, Path words,
                            java.util.Map<String, String> names, Path cacheDir, RegionCache.Storage storage) {
        this.run = run;
        this.modelDir = modelDir;
        this.model = model;
        this.head = head;
        this.tap = tap;
        this.words = words;
        this.names = names;
        this.cacheDir = cacheDir;
        this.storage = storage;
    }

    /** The spatial work in progress: the cache being built or a word being scored, for the page's progress bar. */
    public static final class Progress {
        private volatile String task = "";
        private volatile long done, total;
        private volatile String error;

        void set(String task, long done, long total) {
            this.task = task;
            this.done = done;
            this.total = total;
        }

        /** {@code task}, images {@code done} of {@code total}, whether the cache is {@code ready}, and an error sentence if it failed. */
        public java.util.Map<String, Object> snapshot(boolean ready) {
            java.util.Map<String, Object> m = new LinkedHashMap<>();
            long d = done, t = total;
            m.put("status", error != null ? "failed" : ready ? "ready" : "computing");
            m.put("task", task);
            m.put("done", d);
            m.put("total", t);
            m.put("progress", t == 0 ? (ready ? 1.0 : 0.0) : d / (double) t);
            if (error != null) m.put("error", error);
            return m;
        }
    }

    /** Thrown by spatial calls while the region cache is still being built: the server answers 202 with the progress. */
    public static final class NotReady extends RuntimeException {
        private final transient java.util.Map<String, Object> progress;

        NotReady(java.util.Map<String, Object> progress) {
            super("the spatial model's region embeddings are still being computed", null, false, false);
            this.progress = progress;
        }

        public java.util.Map<String, Object> progress() {
            return progress;
        }
    }

    /**
     * Opens the model in {@code modelDir} for {@code run} and starts building (or loading) the
     * region cache in the background; {@code words} and {@code namesTsv} default to what the model's
     * {@code head.json} records. Returns at once: see {@link #progress()} and {@link #await}.
     */
    public static SpatialExplorer open(ExploreRun run, Path modelDir, Path words, Path namesTsv) {
        return open(run, modelDir, words, namesTsv, RegionCache.Storage.FLOAT16);
    }

    /** As {@link #open(ExploreRun, Path, Path, Path)} with the stored features' width given. */
    public static SpatialExplorer open(ExploreRun run, Path modelDir, Path words, Path namesTsv, RegionCache.Storage storage) {
        SpatialRun model = SpatialRun.load(modelDir);
        Path w = words != null ? words : recorded(model, "words", "--words");
        if (!Files.isRegularFile(w)) throw new UserError("word vectors file " + w + " does not exist; give --words FILE.");
        Path n = namesTsv != null ? namesTsv : model.string("names") == null ? null : recorded(model, "names", "--names");
        java.util.Map<String, String> names = n == null ? java.util.Map.of() : ConceptNames.readNames(n);
        String backbone = model.string("backbone"), tapName = model.string("tap");
        if (backbone == null || tapName == null) throw new UserError(modelDir + "/" + SpatialRun.FILE + " records no backbone or tap.");
        if (!(model.head() instanceof CosineMapHead head)) {
            throw new UserError("the explorer scores words from a spatial head's region embeddings; " + modelDir.getFileName() + " has a "
                    + model.head().kind() + " head (train one with imvec spatial train --head spatial).");
        }
        SpatialJob.Tap t = SpatialJob.Tap.of(model);
        if (!Files.exists(t.model())) throw new UserError("the model's backbone " + t.model() + " does not exist.");
        try {
            Path dir = run.dir().resolve("explore").resolve("spatial")
                    .resolve("regions-" + fingerprint(run, t) + "-" + RegionCache.headKey(head, storage));
            SpatialExplorer s = new SpatialExplorer(run, modelDir, model, head, t, w, names, dir, storage);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens the model and waits for the region cache, reporting images done to {@code progress}. */
    public static SpatialExplorer open(ExploreRun run, Path modelDir, Path words, Path namesTsv, LongConsumer progress) {
        SpatialExplorer s = open(run, modelDir, words, namesTsv);
        s.await(progress);
        return s;
    }

    /** Loads the cache, or builds it on a thread of its own; once only, whoever asks. */
    private void start() {
        if (!started.compareAndSet(false, true)) return;
        RegionCache ready = RegionCache.open(cacheDir, head, run.ids(), storage);
        if (ready != null) {
            progress.set("region embeddings (cached)", run.n(), run.n());
            cache.complete(ready);
            return;
        }
        Thread t = new Thread(() -> {
            try {
                String task = "region embeddings of every image (once)";
                progress.set(task, 0, run.n());
                cache.complete(RegionCache.build(cacheDir, tap, head, new RunScenes(run), storage, provenance(), BUILD_BATCH, THREADS,
                        d -> progress.set(task, d, run.n())));
            } catch (Throwable e) {
                progress.error = e instanceof UserError ? e.getMessage() : "the region embeddings could not be computed: " + e;
                cache.completeExceptionally(e);
            }
        }, "imvec-explore-regions");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the region cache, reporting images done to {@code done} about every second; rethrows its failure. */
    public RegionCache await(LongConsumer done) {
        while (true) {
            try {
                RegionCache c = cache.get(1, java.util.concurrent.TimeUnit.SECONDS);
                done.accept(run.n());
                return c;
            } catch (java.util.concurrent.TimeoutException e) {
                done.accept(progress.done);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the region embeddings", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw rethrown(e.getCause());
            }
        }
    }

    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof IOException io) return new UncheckedIOException(io);
        return new IllegalStateException(t);
    }

    /** What is being computed and how far it is (the page's progress bar). */
    public java.util.Map<String, Object> progress() {
        return progress.snapshot(cache.isDone() && !cache.isCompletedExceptionally());
    }

    /** The ready cache, or {@link NotReady} with the progress while it is built. */
    private RegionCache cache() {
        if (!cache.isDone()) throw new NotReady(progress());
        try {
            return cache.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw rethrown(e.getCause());
        }
    }

    private java.util.Map<String, Object> provenance() {
        java.util.Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir.toAbsolutePath().toString());
        m.put("backbone", tap.model().toAbsolutePath().toString());
        m.put("tap", tap.layer());
        m.put("input_size", tap.size());
        m.put("data", new RunScenes(run).spec());
        m.put("run", run.dir().toAbsolutePath().toString());
        m.put("seed", run.manifest().seed());
        m.put("version", Version.get());
        return m;
    }

    private static Path recorded(SpatialRun model, String key, String option) {
        String v = model.string(key);
        if (v == null) throw new UserError("the spatial model records no " + key + " file; give " + option + " FILE.");
        return Path.of(v);
    }

    /**
     * What the maps depend on: the backbone's files (path, size, modification time), the tap, the
     * input size, the run's data spec and its ids in order. The head does not enter: retraining it
     * reuses the maps.
     */
    static String fingerprint(ExploreRun run, SpatialJob.Tap tap) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path b = tap.model().toAbsolutePath().normalize();
        List<Path> files;
        if (Files.isDirectory(b)) {
            try (Stream<Path> s = Files.walk(b)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
        } else {
            files = List.of(b);
        }
        StringBuilder key = new StringBuilder("imvec-explore-maps-1\n").append(b).append('\n');
        for (Path f : files) {
            key.append(b.relativize(f.toAbsolutePath().normalize())).append(' ').append(Files.size(f)).append(' ')
                    .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
        }
        key.append(tap.layer()).append('\n').append(tap.size()).append('\n').append(tap.card()).append('\n').append(new RunScenes(run).spec()).append('\n');
        md.update(key.toString().getBytes(StandardCharsets.UTF_8));
        for (String id : run.ids()) md.update((id + "\n").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    /** One sentence unless {@code word} is 1 to 64 letters/digits with spaces, '-', '_' or apostrophes. */
    static String checkWord(String word) {
        String w = word == null ? "" : word.strip().replaceAll("\\s+", " ");
        if (w.isEmpty()) throw new UserError("type a word.");
        if (!WORD.matcher(w).matches()) {
            throw new UserError("a word is 1 to 64 letters or digits, with spaces, '-', '_' or apostrophes between; '"
                    + (w.length() > 40 ? w.substring(0, 40) + "…" : w) + "' is not.");
        }
        return w;
    }

    /**
     * The model's scores and maps of one word over every image, from the region cache; the last
     * few words are kept, and a second request for a word being scored waits for the same result.
     */
    imvec.spatial.Scores scores(String word) {
        String w = checkWord(word);
        CompletableFuture<imvec.spatial.Scores> f;
        synchronized (scored) {
            f = scored.get(w);
        }
        boolean mine = false;
        if (f == null) {
            RegionCache c = cache();
            LabelVectors v = vectors(w); // reads the word file: outside the lock
            CompletableFuture<imvec.spatial.Scores> fresh = new CompletableFuture<>();
            synchronized (scored) {
                f = scored.putIfAbsent(w, fresh);
                if (f == null) {
                    f = fresh;
                    mine = true;
                }
            }
            if (mine) {
                // Scored on this thread; a second request for the word waits on the same future.
                String task = "scoring '" + w + "'";
                progress.set(task, 0, run.n());
                scorings.incrementAndGet();
                try {
                    fresh.complete(c.score(v, SCORE_BATCH, THREADS, d -> progress.set(task, d, run.n())));
                } catch (Throwable e) {
                    fresh.completeExceptionally(e);
                }
            }
        }
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (mine) {
                synchronized (scored) {
                    scored.remove(w, f);
                }
            }
            throw rethrown(e.getCause());
        }
    }

    /** How many words were scored over the collection (a word asked for twice while kept counts once). */
    int scorings() {
        return scorings.get();
    }

    private LabelVectors vectors(String w) {
        LabelVectors v = LabelVectors.require(List.of(w), words, names);
        if (v.dims() != model.integer("dims")) {
            throw new UserError(words.getFileName() + " has " + v.dims() + "-dim vectors; the model was trained on "
                    + model.integer("dims") + "-dim ones.");
        }
        return v;
    }

    @Override
    public WordScorer.Scores score(String word) {
        imvec.spatial.Scores s = scores(word);
        return new WordScorer.Scores(word, column(s), s.labels(), "spatial model, zero-shot");
    }

    private static float[] column(imvec.spatial.Scores s) {
        float[] out = new float[s.ids().size()];
        for (int i = 0; i < out.length; i++) out[i] = s.score(i, 0);
        return out;
    }

    @Override
    public String describe() {
        return "any word ranks images zero-shot with the spatial model " + modelDir.getFileName() + " (" + model.string("tap") + ")";
    }

    @Override
    public Optional<LocalisationMaps.Map> map(int row, String word) {
        imvec.spatial.Scores s = scores(word);
        float[] m = MapSearch.sigmoidInPlace(s.map(run.checkRow(row), 0));
        return Optional.of(new LocalisationMaps.Map(checkWord(word), s.height(), s.width(), m));
    }

    @Override
    public boolean available() {
        return true;
    }

    /**
     * The collection along one word (x = its score, y = a seeded spread) or two (x, y = their
     * scores): N×2 coordinates in [−1, 1], like the other layouts.
     */
    public float[] layout(List<String> axis) {
        if (axis.isEmpty() || axis.size() > 2) throw new UserError("a word layout takes one or two words.");
        imvec.spatial.Scores x = scores(axis.get(0));
        imvec.spatial.Scores y = axis.size() > 1 ? scores(axis.get(1)) : null;
        int n = run.n();
        float[] both = new float[n * 2];
        for (int i = 0; i < n; i++) {
            both[2 * i] = x.score(i, 0);
            both[2 * i + 1] = y == null ? 0 : y.score(i, 0);
        }
        List<String> labels = y == null ? List.of(axis.get(0), "spread") : List.of(axis.get(0), axis.get(1));
        imvec.spatial.Scores pair = new imvec.spatial.Scores(run.ids(), labels, x.height(), x.width(), both, new float[0]);
        return Layouts.scaled(Projection.positions(pair, 0, y == null ? -1 : 1, run.manifest().seed()), 2);
    }

    /**
     * Every image's diversity: how much its region embeddings differ across its locations
     * ({@link imvec.analysis.RegionVectors#diversity}), computed with the region cache and kept in it.
     */
    public float[] diversity() {
        return cache().diversity();
    }

    /**
     * The collection by diversity (x) against a word's score (y), or a seeded spread without a
     * word: N×2 coordinates in [−1, 1], like the other layouts.
     */
    public float[] diversityLayout(String word) {
        imvec.spatial.Scores y = word == null ? null : scores(word);
        float[] d = diversity();
        int n = run.n();
        float[] both = new float[n * 2];
        for (int i = 0; i < n; i++) {
            both[2 * i] = d[i];
            both[2 * i + 1] = y == null ? 0 : y.score(i, 0);
        }
        List<String> labels = List.of("diversity", y == null ? "spread" : checkWord(word));
        imvec.spatial.Scores pair = new imvec.spatial.Scores(run.ids(), labels, 0, 0, both, new float[0]);
        return Layouts.scaled(Projection.positions(pair, 0, y == null ? -1 : 1, run.manifest().seed()), 2);
    }

    /** The collection clustered around 2 to {@value #MAX_CLUSTER_WORDS} words ({@link WordClusters}). */
    public WordClusters clusters(List<String> words, double minScore) {
        if (words.size() < 2 || words.size() > MAX_CLUSTER_WORDS) {
            throw new UserError("clustering takes 2 to " + MAX_CLUSTER_WORDS + " words; got " + words.size() + ".");
        }
        List<String> clean = new ArrayList<>();
        for (String w : words) {
            String c = checkWord(w);
            if (clean.contains(c)) throw new UserError("the word '" + c + "' is given twice.");
            clean.add(c);
        }
        int n = run.n(), k = clean.size();
        float[] all = new float[n * k];
        for (int j = 0; j < k; j++) {
            imvec.spatial.Scores s = scores(clean.get(j));
            for (int i = 0; i < n; i++) all[i * k + j] = s.score(i, 0);
        }
        return WordClusters.assign(new imvec.spatial.Scores(run.ids(), clean, 0, 0, all, new float[0]), minScore);
    }

    /** One image found by a painted query. */
    public record Hit(int row, String id, double score) {
    }

    /**
     * Map search: {@code query} maps each word to a grid of +1/−1/0 (at most {@value #MAX_GRID}
     * cells a side, {@value #MAX_QUERY_WORDS} words); an image scores Σ over words of ⟨grid resampled
     * to the map, sigmoid(map)⟩ / locations, as {@code imvec scenes search} scores a scores directory.
     */
    public List<Hit> search(JsonNode query, int top) {
        MapQuery q = MapQuery.parse(query, "from the page");
        if (q.terms().size() > MAX_QUERY_WORDS) throw new UserError("a map query takes at most " + MAX_QUERY_WORDS + " words.");
        RegionCache c = cache();
        int h = c.height(), w = c.width(), n = run.n();
        float[][] grids = new float[q.terms().size()][];
        imvec.spatial.Scores[] per = new imvec.spatial.Scores[grids.length];
        for (int t = 0; t < grids.length; t++) {
            MapQuery.Term term = q.terms().get(t);
            if (term.rows() > MAX_GRID || term.cols() > MAX_GRID) {
                throw new UserError("the grid of '" + term.word() + "' is " + term.rows() + "×" + term.cols() + "; at most "
                        + MAX_GRID + "×" + MAX_GRID + " cells.");
            }
            per[t] = scores(term.word());
            grids[t] = MapSearch.resample(term.grid(), term.rows(), term.cols(), h, w);
        }
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            float[][] m = new float[grids.length][];
            for (int t = 0; t < grids.length; t++) {
                m[t] = MapSearch.sigmoidInPlace(per[t].map(i, 0));
            }
            score[i] = MapSearch.score(grids, m);
        }
        List<Hit> hits = new ArrayList<>();
        for (int r : MapSearch.topK(score, top)) hits.add(new Hit(r, run.id(r), score[r]));
        return hits;
    }

    /** What the page shows about the model. */
    public java.util.Map<String, Object> describeModel() {
        java.util.Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir.toAbsolutePath().toString());
        m.put("tap", model.string("tap"));
        m.put("words", words.toString());
        m.put("map_size", model.info().get("map_size"));
        m.put("seen", model.info().get("seen"));
        m.put("unseen", model.info().get("unseen"));
        m.put("region_cache", cacheDir.toString());
        m.put("cache_layout", RegionCache.Layout.of(head).name());
        m.put("cache_storage", storage.name());
        m.put("max_grid", MAX_GRID);
        return m;
    }
}
