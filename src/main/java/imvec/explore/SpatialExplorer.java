package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import imvec.analysis.MapSearch;
import imvec.spatial.FeatureMaps;
import imvec.words.LabelVectors;
import imvec.spatial.MapQuery;
import imvec.spatial.Projection;
import imvec.spatial.RegionEmbeddings;
import imvec.spatial.WordClusters;
import imvec.store.Npy;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialModel;
import imvec.spatial.SpatialRun;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
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
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The spatial visual-semantic model plugged into the explorer: any word ranks the run's images
 * zero-shot, is localised over one image, lays the collection out along one or two words, and
 * painted +/−/0 grids search it by where words sit. The backbone maps of the run's images are
 * computed once and cached in the run directory under a fingerprint of the backbone, its tap and
 * input size, and the run's data and ids; the head then scores each new word over all of them.
 *
 * <p>All calls into {@code imvec.spatial} go through {@link #open} (model, words, maps) and
 * {@link #scores(String)} (scoring), so they can be re-pointed in one place.
 */
public final class SpatialExplorer implements WordScorer, LocalisationMaps {
    /** What a word may be: letters and digits, with spaces, '-', '_' or apostrophes between. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} '_-]{0,63}");
    /** Painted grids larger than this say nothing a map of 7×7 or 14×14 locations could answer. */
    static final int MAX_GRID = 8;
    static final int MAX_QUERY_WORDS = 4;
    private static final int CACHED_WORDS = 16;
    static final int MAX_CLUSTER_WORDS = 8;

    private final ExploreRun run;
    private final Path modelDir;
    private final SpatialRun model;
    private final Path words;
    private final java.util.Map<String, String> names;
    private final FeatureMaps maps;
    private final Path mapsFile;
    private float[] diversity;
    private final java.util.Map<String, imvec.spatial.Scores> cache = new LinkedHashMap<>(CACHED_WORDS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, imvec.spatial.Scores> e) {
            return size() > CACHED_WORDS;
        }
    };

    private SpatialExplorer(ExploreRun run, Path modelDir, SpatialRun model, Path words, java.util.Map<String, String> names,
                            FeatureMaps maps, Path mapsFile) {
        this.run = run;
        this.modelDir = modelDir;
        this.model = model;
        this.words = words;
        this.names = names;
        this.maps = maps;
        this.mapsFile = mapsFile;
    }

    /**
     * Opens the model in {@code modelDir} for {@code run}; {@code words} and {@code namesTsv} default
     * to what the model's {@code head.json} records. Computes the backbone maps of the run's images
     * (reporting images done to {@code progress}) unless the cache already holds them.
     */
    public static SpatialExplorer open(ExploreRun run, Path modelDir, Path words, Path namesTsv, LongConsumer progress) {
        SpatialRun model = SpatialRun.load(modelDir);
        Path w = words != null ? words : recorded(model, "words", "--words");
        if (!Files.isRegularFile(w)) throw new UserError("word vectors file " + w + " does not exist; give --words FILE.");
        Path n = namesTsv != null ? namesTsv : model.string("names") == null ? null : recorded(model, "names", "--names");
        java.util.Map<String, String> names = n == null ? java.util.Map.of() : ConceptNames.readNames(n);
        String backbone = model.string("backbone"), tap = model.string("tap");
        if (backbone == null || tap == null) throw new UserError(modelDir + "/" + SpatialRun.FILE + " records no backbone or tap.");
        SpatialJob.Tap t = SpatialJob.Tap.of(model);
        if (!Files.exists(t.model())) throw new UserError("the model's backbone " + backbone + " does not exist.");
        try {
            Path file = run.dir().resolve("explore").resolve("spatial").resolve("maps-" + fingerprint(run, t) + ".npy");
            FeatureMaps maps = cachedMaps(file, run);
            if (maps == null) {
                maps = SpatialJob.maps(t, new RunScenes(run), progress);
                maps.save(file);
                writeProvenance(file, run, t);
            } else {
                progress.accept(run.n());
            }
            if (maps.channels() != model.integer("channels")) {
                throw new UserError("the backbone's tap " + tap + " gives " + maps.channels() + " channels but the head expects "
                        + model.integer("channels") + ".");
            }
            return new SpatialExplorer(run, modelDir, model, w, names, maps, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path recorded(SpatialRun model, String key, String option) {
        String v = model.string(key);
        if (v == null) throw new UserError("the spatial model records no " + key + " file; give " + option + " FILE.");
        return Path.of(v);
    }

    private static FeatureMaps cachedMaps(Path file, ExploreRun run) {
        if (!Files.isRegularFile(file)) return null;
        try {
            FeatureMaps m = FeatureMaps.load(file);
            return m.n() == run.n() ? m : null;
        } catch (RuntimeException e) {
            return null; // an unreadable cache is recomputed, not trusted
        }
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

    private static void writeProvenance(Path mapsFile, ExploreRun run, SpatialJob.Tap t) throws IOException {
        java.util.Map<String, Object> m = new LinkedHashMap<>();
        m.put("backbone", t.model().toAbsolutePath().toString());
        m.put("tap", t.layer());
        m.put("input_size", t.size());
        m.put("data", new RunScenes(run).spec());
        m.put("images", run.n());
        m.put("seed", run.manifest().seed());
        m.put("version", Version.get());
        String name = mapsFile.getFileName().toString().replace(".npy", ".json");
        AtomicFiles.writeString(mapsFile.resolveSibling(name), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(m));
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

    /** The model's scores and maps of one word over every image (cached for the last few words). */
    synchronized imvec.spatial.Scores scores(String word) {
        String w = checkWord(word);
        imvec.spatial.Scores s = cache.get(w);
        if (s != null) return s;
        LabelVectors v = LabelVectors.require(List.of(w), words, names);
        if (v.dims() != model.integer("dims")) {
            throw new UserError(words.getFileName() + " has " + v.dims() + "-dim vectors; the model was trained on "
                    + model.integer("dims") + "-dim ones.");
        }
        s = new SpatialModel(model.head()).score(maps, run.ids(), v, 64, 2, d -> { });
        cache.put(w, s);
        return s;
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
     * ({@link RegionEmbeddings#diversity}). Computed once over the cached maps and kept beside them
     * as {@code diversity-<maps>-<head>.npy}, since it takes as long as scoring a word.
     */
    public synchronized float[] diversity() {
        if (diversity != null) return diversity;
        Path file = mapsFile.resolveSibling(mapsFile.getFileName().toString().replace("maps-", "diversity-").replace(".npy", "-" + headFingerprint() + ".npy"));
        if (Files.isRegularFile(file)) {
            try {
                Npy.Array a = Npy.read(file);
                if (a.rows() == run.n()) return diversity = a.floats();
            } catch (RuntimeException e) {
                // an unreadable cache is recomputed, not trusted
            }
        }
        double[] d = RegionEmbeddings.diversity(model.head(), maps, 64, 2, x -> { });
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        try {
            Npy.write(file, f, run.n(), 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return diversity = f;
    }

    /** What the region embeddings depend on beyond the maps: the head's files (name, size, modification time). */
    private String headFingerprint() {
        try (Stream<Path> s = Files.list(modelDir)) {
            StringBuilder key = new StringBuilder();
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                key.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ').append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.toString().getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        int h = maps.height(), w = maps.width(), n = run.n();
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
        m.put("map_size", List.of(maps.height(), maps.width()));
        m.put("seen", model.info().get("seen"));
        m.put("unseen", model.info().get("unseen"));
        m.put("maps_cache", mapsFile.toString());
        m.put("max_grid", MAX_GRID);
        return m;
    }
}
