package imvec.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.analysis.LinearProbe;
import imvec.analysis.Separation;
import imvec.analysis.Tsne;
import imvec.store.AtomicFiles;
import imvec.store.LabelledMatrix;
import imvec.store.Manifest;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.zoo.ModelSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Compares stored layers of several runs (one backbone or layer per row) in the image-embedding
 * studies' tables, written as {@code compare.md}, {@code compare.html} and {@code compare.json}:
 * <ol>
 *   <li>Table I, the models: weights file size and parameter count (when the run's model, an ONNX
 *       file or a CNN from {@code imvec train}, is still there), features per image, rows;</li>
 *   <li>Table II, the transfer head: {@link LinearProbe} test accuracy and loss on a seeded
 *       stratified split;</li>
 *   <li>Table III, silhouettes on the full features, PCA-3 and t-SNE-3, with the reduction times
 *       ({@link Separation}).</li>
 * </ol>
 * Each row also gets plots in its own folder: PCA and t-SNE in 2-D (PNG/SVG) and rotatable 3-D
 * pages of the PCA-3 and t-SNE-3 coordinates the silhouettes were computed on.
 */
public final class CompareReport {
    public static final String MARKDOWN = "compare.md";
    public static final String HTML = "compare.html";
    public static final String JSON = "compare.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One row to compare: a stored layer of a run; {@code name} is how the user named the run. */
    public record Entry(String name, Path run, String layer) {
    }

    /** A row of the tables. {@code modelBytes} and {@code parameters} are null when unknown. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(@JsonProperty("run") String run, @JsonProperty("run_dir") String runDir,
                      @JsonProperty("layer") String layer, @JsonProperty("model") String model,
                      @JsonProperty("model_bytes") Long modelBytes, @JsonProperty("parameters") Long parameters,
                      @JsonProperty("classes") int classes, @JsonProperty("separation") Separation.Result separation,
                      @JsonProperty("plots") List<String> plots) {
        public String label() {
            return run + " · " + layer;
        }
    }

    public record Summary(List<Row> rows, Path markdown, Path html, Path json) {
    }

    private final List<Entry> entries;
    private final Separation separation;
    private final double testFraction;
    private final long seed;
    private final double perplexity;
    private final int tsneIterations;
    private final int probeEpochs;
    private final boolean linear;
    private final boolean plots;
    private final Consumer<String> progress;

    private CompareReport(Builder b) {
        if (b.entries.isEmpty()) throw new UserError("compare needs at least one run.");
        this.entries = List.copyOf(b.entries);
        this.testFraction = b.testFraction;
        this.seed = b.seed;
        this.perplexity = b.perplexity;
        this.tsneIterations = b.tsneIterations;
        this.probeEpochs = b.probeEpochs;
        this.linear = b.linear;
        this.plots = b.plots;
        this.progress = b.progress;
        this.separation = Separation.builder().optProbe(LinearProbe.builder().optEpochs(probeEpochs).optLinear(linear))
                .optDimensions(3).optPerplexity(perplexity).optTsneIterations(tsneIterations).optSeed(seed).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Measures every entry, writes the plots and the three report files into {@code out}. */
    public Summary run(Path out) throws IOException {
        Files.createDirectories(out);
        // Check every run and layer before the slow work starts.
        for (Entry e : entries) Manifest.read(e.run()).layer(e.layer());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            progress.accept(e.name() + " · " + e.layer());
            Path runName = e.run().toAbsolutePath().normalize().getFileName();
            String folder = String.format(Locale.ROOT, "%d-%s", i + 1, slug((runName == null ? "run" : runName) + "-" + e.layer()));
            rows.add(measure(e, out, folder));
        }
        Path md = out.resolve(MARKDOWN);
        Path html = out.resolve(HTML);
        Path json = out.resolve(JSON);
        AtomicFiles.writeString(md, markdown(rows));
        html(rows).write(html);
        Map<String, Object> doc = provenance();
        doc.put("rows", rows);
        AtomicFiles.writeString(json, MAPPER.writeValueAsString(doc) + "\n");
        return new Summary(rows, md, html, json);
    }

    private Row measure(Entry e, Path out, String folder) throws IOException {
        Manifest manifest = Manifest.read(e.run());
        LabelledMatrix m = LabelledMatrix.fromRun(e.run(), e.layer());
        Separation.Result s = separation.measure(m.rows(), m.labels(), m.classes(), testFraction);
        String modelPath = manifest.model() == null ? null : manifest.model().path();
        ModelSize size = modelPath == null ? null : ModelSize.of(Path.of(modelPath));
        Long bytes = size == null ? null : size.bytes();
        Long parameters = size == null ? null : size.parameters();
        List<String> files = plots ? plots(m, s, out, folder) : List.of();
        String model = modelPath == null ? "?" : Path.of(modelPath).getFileName().toString();
        return new Row(e.name(), e.run().toString(), e.layer(), model, bytes, parameters, m.classes().size(), s, files);
    }

    /** 2-D PCA and t-SNE pictures, 3-D pages of the coordinates behind the silhouettes; paths relative to {@code out}. */
    private List<String> plots(LabelledMatrix m, Separation.Result s, Path out, String folder) throws IOException {
        Path dir = out.resolve(folder);
        List<String> files = new ArrayList<>();
        for (String f : PcaReport.run(m, 2, false, dir.resolve("pca-2d")).files()) files.add(f);
        Tsne.Builder tsne2 = Tsne.builder().optDimensions(2).optPerplexity(s.tsnePerplexity())
                .optIterations(tsneIterations).optSeed(seed);
        for (String f : TsneReport.run(m, tsne2, dir.resolve("tsne-2d")).files()) files.add(f);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("source", m.source());
        facts.put("seed", seed);
        facts.put("imvec_version", Version.get());
        Path pca3 = dir.resolve("pca-3d.html");
        Scatter3dPage.write(pca3, "PCA-3 of " + m.source(), s.pcaCoordinates(), m.labels(), m.classes(), facts);
        facts.put("silhouette", s.silhouetteTsne());
        facts.put("kl_divergence", s.tsneKl());
        Path tsne3 = dir.resolve("tsne-3d.html");
        Scatter3dPage.write(tsne3, "t-SNE-3 of " + m.source(), s.tsneCoordinates(), m.labels(), m.classes(), facts);
        files.add(pca3.toString());
        files.add(tsne3.toString());
        List<String> relative = new ArrayList<>();
        for (String f : files) relative.add(out.toAbsolutePath().relativize(Path.of(f).toAbsolutePath()).toString());
        return relative;
    }

    static String slug(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]+", "_");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }

    // ---- tables ------------------------------------------------------------------------------

    static final List<String> MODEL_HEADER = List.of("run · layer", "model", "file MB", "parameters", "features", "rows", "classes");
    static final List<String> PROBE_HEADER = List.of("run · layer", "probe", "train rows", "test rows", "test accuracy", "test loss");
    static final List<String> SILHOUETTE_HEADER = List.of("run · layer", "silhouette full", "PCA-3", "t-SNE-3",
            "PCA-3 variance", "PCA-3 s", "t-SNE-3 s", "t-SNE KL");

    static List<List<String>> modelTable(List<Row> rows) {
        List<List<String>> t = new ArrayList<>();
        for (Row r : rows) {
            t.add(List.of(r.label(), r.model(), r.modelBytes() == null ? "–" : fmt("%.2f", r.modelBytes() / 1e6),
                    r.parameters() == null ? "–" : String.format(Locale.ROOT, "%,d", r.parameters()),
                    Integer.toString(r.separation().features()), Integer.toString(r.separation().rows()),
                    Integer.toString(r.classes())));
        }
        return t;
    }

    static List<List<String>> probeTable(List<Row> rows) {
        List<List<String>> t = new ArrayList<>();
        for (Row r : rows) {
            Separation.Result s = r.separation();
            t.add(List.of(r.label(), s.probeHead(), Integer.toString(s.probeTrainRows()), Integer.toString(s.probeTestRows()),
                    fmt("%.4f", s.probeAccuracy()), fmt("%.4f", s.probeLoss())));
        }
        return t;
    }

    static List<List<String>> silhouetteTable(List<Row> rows) {
        List<List<String>> t = new ArrayList<>();
        for (Row r : rows) {
            Separation.Result s = r.separation();
            t.add(List.of(r.label(), fmt("%.4f", s.silhouette()), fmt("%.4f", s.silhouettePca()), fmt("%.4f", s.silhouetteTsne()),
                    fmt("%.3f", s.pcaExplained()), fmt("%.2f", s.pcaSeconds()), fmt("%.2f", s.tsneSeconds()), fmt("%.4f", s.tsneKl())));
        }
        return t;
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

    /** The three tables in Markdown, as printed by the command and written to {@link #MARKDOWN}. */
    public static String tables(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("## Table I: models and features\n\n").append(markdownTable(MODEL_HEADER, modelTable(rows)));
        s.append("\n## Table II: transfer head on the features (held-out rows)\n\n").append(markdownTable(PROBE_HEADER, probeTable(rows)));
        s.append("\n## Table III: silhouette (euclidean) on full features, PCA-3 and t-SNE-3\n\n")
                .append(markdownTable(SILHOUETTE_HEADER, silhouetteTable(rows)));
        return s.toString();
    }

    static String markdownTable(List<String> header, List<List<String>> rows) {
        StringBuilder s = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|---");
        s.append("|---:".repeat(header.size() - 1)).append("|\n");
        for (List<String> r : rows) s.append("| ").append(String.join(" | ", r)).append(" |\n");
        return s.toString();
    }

    private String markdown(List<Row> rows) {
        StringBuilder s = new StringBuilder("# Comparison of stored features\n\n").append(tables(rows));
        if (plots) {
            s.append("\n## Plots\n\n");
            for (Row r : rows) {
                s.append("### ").append(r.label()).append("\n\n");
                for (String f : r.plots()) {
                    if (f.endsWith(".png")) s.append("![").append(f).append("](").append(f).append(")\n");
                    else if (f.endsWith(".html")) s.append("- [").append(f).append("](").append(f).append(")\n");
                }
                s.append('\n');
            }
        }
        s.append("\n## Provenance\n\n");
        provenance().forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        return s.toString();
    }

    private HtmlReport html(List<Row> rows) {
        HtmlReport h = new HtmlReport("Comparison of stored features");
        h.section("Table I: models and features").table(MODEL_HEADER, modelTable(rows));
        h.section("Table II: transfer head on the features (held-out rows)").table(PROBE_HEADER, probeTable(rows));
        h.section("Table III: silhouette (euclidean) on full features, PCA-3 and t-SNE-3").table(SILHOUETTE_HEADER, silhouetteTable(rows));
        for (Row r : rows) {
            if (r.plots().isEmpty()) continue;
            h.section(r.label());
            List<String> png = r.plots().stream().filter(f -> f.endsWith(".png")).toList();
            h.figures(png, png.stream().map(f -> f.contains("tsne") ? "t-SNE 2-D" : "PCA 2-D").toList());
            List<String> pages = r.plots().stream().filter(f -> f.endsWith(".html")).toList();
            h.links(pages, pages.stream().map(f -> (f.contains("tsne") ? "t-SNE-3" : "PCA-3") + " (rotatable 3-D)").toList());
        }
        return h.provenance(provenance());
    }

    private Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        List<String> runs = new ArrayList<>();
        for (Entry e : entries) runs.add(e.name() + "=" + e.run() + "#" + e.layer());
        p.put("runs", runs);
        p.put("probe", (linear ? "logistic regression" : "transfer head (BN, Dense 512 ReLU, Dropout 0.5, softmax)")
                + ", " + probeEpochs + " epochs, Adam");
        p.put("test_fraction", testFraction);
        p.put("split", "stratified, seeded");
        p.put("tsne", "3-D, perplexity " + perplexity + " (lowered to (N-1)/3 for few rows), " + tsneIterations + " iterations");
        p.put("seed", seed);
        p.put("cores", Runtime.getRuntime().availableProcessors());
        p.put("imvec_version", Version.get());
        p.put("created", Instant.now().toString());
        return p;
    }

    /** Options: probe as {@link LinearProbe}'s defaults (20 epochs), 20% test rows, perplexity 30, 1,000 iterations, seed 1, plots on. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private double testFraction = 0.2;
        private long seed = 1;
        private double perplexity = 30;
        private int tsneIterations = 1000;
        private int probeEpochs = 20;
        private boolean linear;
        private boolean plots = true;
        private Consumer<String> progress = s -> {
        };

        private Builder() {
        }

        /** Adds a row: layer {@code layer} of the run in {@code run}, shown as {@code name}. */
        public Builder addRun(String name, Path run, String layer) {
            entries.add(new Entry(Objects.requireNonNull(name), Objects.requireNonNull(run), Objects.requireNonNull(layer)));
            return this;
        }

        public Builder optTestFraction(double f) {
            if (!(f > 0 && f < 1)) throw new UserError("the test fraction must be between 0 and 1 (exclusive), not " + f + ".");
            this.testFraction = f;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optPerplexity(double p) {
            if (!(p > 0)) throw new UserError("t-SNE perplexity must be positive; got " + p + ".");
            this.perplexity = p;
            return this;
        }

        public Builder optTsneIterations(int n) {
            if (n < 1) throw new UserError("t-SNE needs at least 1 iteration; got " + n + ".");
            this.tsneIterations = n;
            return this;
        }

        public Builder optProbeEpochs(int n) {
            if (n < 1) throw new UserError("probe epochs must be at least 1, not " + n + ".");
            this.probeEpochs = n;
            return this;
        }

        /** Logistic regression instead of the transfer head. */
        public Builder optLinear(boolean linear) {
            this.linear = linear;
            return this;
        }

        /** Write 2-D and 3-D plots per row (default on). */
        public Builder optPlots(boolean plots) {
            this.plots = plots;
            return this;
        }

        /** Told the label of each row as its measurement starts. */
        public Builder optProgress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public CompareReport build() {
            return new CompareReport(this);
        }
    }
}
