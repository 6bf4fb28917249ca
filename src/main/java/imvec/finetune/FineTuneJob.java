package imvec.finetune;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.analysis.Separation;
import imvec.data.ImageSet;
import imvec.data.IndexedSubset;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.ModelCard;
import imvec.model.ProgressListener;
import imvec.onnx.OnnxBackbone;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;
import imvec.util.Version;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code imvec finetune} as a library call. ONNX Runtime computes the start tensor of every
 * image once and stores it as a run ({@code <out>/cache/train}, {@code <out>/cache/test}; a
 * rerun with the same inputs reuses it). The part of the graph after that tensor is imported and
 * tuned with a new head ({@link FineTuning}); the tuned weights, a card and the before/after
 * table are written to {@code <out>}.
 */
public final class FineTuneJob {
    public static final String PARAMS_FILE = "tuned.params";
    public static final String CARD_FILE = "tuned.json";
    public static final String REPORT_FILE = "finetune.json";
    public static final String TABLE_FILE = "table.md";
    private static final String FORMAT = "imvec-tuned-onnx-tail";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a tuned tail needs to be rebuilt: the ONNX model it came from (path and SHA-256), the
     * tensors it starts and ends at, the head's classes, and the base model's preprocessing.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TunedCard(@JsonProperty("format") String format,
                            @JsonProperty("base_model") String baseModel,
                            @JsonProperty("base_sha256") String baseSha256,
                            @JsonProperty("from") String from,
                            @JsonProperty("to") String to,
                            @JsonProperty("head") String head,
                            @JsonProperty("classes") List<String> classes,
                            @JsonProperty("preprocessing") String preprocessing,
                            @JsonProperty("base_card") ModelCard baseCard,
                            @JsonProperty("params") String params) {
    }

    public record Result(FineTuning.Result tuning, TunedCard card, Path out, String trainSpec, String testSpec) {
    }

    private final OnnxBackbone model;
    private final Preprocess preprocess;
    private final ImageSet train;
    private final ImageSet test;
    private final String from;
    private final String to;
    private final FineTuning tuning;
    private final int batch;
    private final Extractor.Listener extraction;
    private final ProgressListener listener;

    private FineTuneJob(Builder b) {
        this.model = Objects.requireNonNull(b.model, "setModel");
        this.preprocess = Objects.requireNonNull(b.preprocess, "setPreprocess");
        ImageSet data = Objects.requireNonNull(b.train, "setTrain");
        if (b.from == null) throw new IllegalStateException("setFrom is required");
        if (b.test != null) {
            if (!b.test.classes().equals(data.classes())) {
                throw new UserError("test set " + b.test.spec() + " has classes " + b.test.classes()
                        + ", not the training set's " + data.classes() + ".");
            }
            this.train = data;
            this.test = b.test;
        } else {
            ImageSet[] split = IndexedSubset.holdout(data, 5);
            this.train = split[0];
            this.test = split[1];
        }
        this.from = b.from;
        this.to = b.to != null ? b.to : defaultFeatureLayer(b.model);
        this.tuning = b.tuning.build();
        this.batch = b.batch;
        this.extraction = b.extraction;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static String defaultFeatureLayer(OnnxBackbone model) {
        String feature = model.card() == null ? null : model.card().featureLayer();
        if (feature == null) {
            throw new UserError("the card of " + model.path().getFileName() + " names no feature layer; pass --to with the tensor to tune up to.");
        }
        return feature;
    }

    /** Tunes into {@code out}, which is locked against a second writer while this runs ({@link imvec.store.RunLock}). */
    public Result run(Path out) throws IOException {
        try (imvec.store.RunLock lock = imvec.store.RunLock.acquire(out)) {
            return runLocked(out);
        }
    }

    private Result runLocked(Path out) throws IOException {
        ImportedBlock tail = OnnxImport.builder().setGraph(model.graph()).setFrom(from).optOutputs(List.of(to)).build();
        FineTuning.Rows trainRows = startTensors(train, out.resolve("cache").resolve("train"));
        FineTuning.Rows testRows = startTensors(test, out.resolve("cache").resolve("test"));
        List<String> classes = train.classes();
        try (FineTuning.Tuned tuned = tuning.newNet(tail, classes.size())) {
            FineTuning.Result r = tuning.run(tuned, trainRows, testRows, listener);
            TunedCard card = new TunedCard(FORMAT, model.path().toAbsolutePath().toString(), model.sha256(), from, to,
                    "dense " + classes.size(), List.copyOf(classes), preprocess.describe(), model.card(), PARAMS_FILE);
            AtomicFiles.write(out.resolve(PARAMS_FILE), tuned::saveParameters);
            AtomicFiles.writeString(out.resolve(REPORT_FILE), JSON.writeValueAsString(report(r)));
            AtomicFiles.writeString(out.resolve(TABLE_FILE), table(r));
            // The card last: a directory with a card holds finished weights.
            AtomicFiles.writeString(out.resolve(CARD_FILE), JSON.writeValueAsString(card));
            return new Result(r, card, out, train.spec(), test.spec());
        }
    }

    /** The start tensor of every readable image, computed once by ONNX Runtime and kept as a run. */
    private FineTuning.Rows startTensors(ImageSet set, Path run) throws IOException {
        Extractor.Builder b = Extractor.builder().setData(set).setBackbone(model).setPreprocess(preprocess)
                .setLayers(List.of(new LayerRequest(from, Pool.FLATTEN))).optBatchSize(batch);
        if (extraction != null) b.optListener(extraction);
        Extractor.Result r = b.build().run(run);
        Manifest m = r.manifest();
        Manifest.Layer layer = m.layer(from);
        Npy.Array x = Npy.read(run.resolve(layer.file()));
        int[] y = Npy.readInts(run.resolve(m.labels()));
        long[] source = layer.sourceShape() != null ? layer.sourceShape() : layer.shape();
        long[] item = Arrays.copyOfRange(source, 1, source.length);
        return new FineTuning.Rows(x.floats(), item, y, m.n());
    }

    private Map<String, Object> report(FineTuning.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", model.path().toAbsolutePath().toString());
        o.put("model_sha256", model.sha256());
        o.put("from", from);
        o.put("to", to);
        o.put("train", train.spec());
        o.put("test", test.spec());
        o.put("preprocessing", preprocess.describe());
        o.put("options", tuning.options());
        o.put("result", r);
        o.put("imvec_version", Version.get());
        o.put("created", Instant.now().toString());
        return o;
    }

    /**
     * The before/after table (the paper's Table IV) in Markdown: the tuned head's scores, then the
     * features' separation: transfer-head probe, silhouettes on full features, PCA-3 and t-SNE-3,
     * and the reduction times.
     */
    public static String table(FineTuning.Result r) {
        Separation.Result b = r.before().separation();
        Separation.Result a = r.after().separation();
        StringBuilder s = new StringBuilder("| measure (test rows) | before | after | difference |\n|---|---:|---:|---:|\n");
        row(s, "head accuracy", r.before().accuracy(), r.after().accuracy());
        row(s, "head cross-entropy", r.before().loss(), r.after().loss());
        row(s, "probe accuracy (transfer head)", b.probeAccuracy(), a.probeAccuracy());
        row(s, "probe cross-entropy", b.probeLoss(), a.probeLoss());
        row(s, "silhouette, full features (" + b.features() + "-D)", b.silhouette(), a.silhouette());
        row(s, "silhouette, PCA-3", b.silhouettePca(), a.silhouettePca());
        row(s, "silhouette, t-SNE-3", b.silhouetteTsne(), a.silhouetteTsne());
        row(s, "variance explained by PCA-3", b.pcaExplained(), a.pcaExplained());
        row(s, "PCA-3 seconds", b.pcaSeconds(), a.pcaSeconds());
        row(s, "t-SNE-3 seconds", b.tsneSeconds(), a.tsneSeconds());
        return s.toString();
    }

    private static void row(StringBuilder s, String name, double before, double after) {
        s.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %+.4f |%n", name, before, after, after - before));
    }

    public static final class Builder {
        private OnnxBackbone model;
        private Preprocess preprocess;
        private ImageSet train;
        private ImageSet test;
        private String from;
        private String to;
        private final FineTuning.Builder tuning = FineTuning.builder();
        private int batch = 16;
        private Extractor.Listener extraction;
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        public Builder setModel(OnnxBackbone model) { this.model = model; return this; }
        public Builder setPreprocess(Preprocess preprocess) { this.preprocess = preprocess; return this; }
        public Builder setTrain(ImageSet train) { this.train = train; return this; }
        /** Test images; default every 5th training image, held out. */
        public Builder optTest(ImageSet test) { this.test = test; return this; }
        public Builder setFrom(String tensor) { this.from = tensor; return this; }
        /** The feature tensor the head reads; default the card's feature layer. */
        public Builder optTo(String tensor) { this.to = tensor; return this; }
        public Builder optEpochs(int n) { tuning.optEpochs(n); return this; }
        public Builder optHeadEpochs(int n) { tuning.optHeadEpochs(n); return this; }
        public Builder optLearningRate(float lr) { tuning.optLearningRate(lr); return this; }
        public Builder optHeadLearningRate(float lr) { tuning.optHeadLearningRate(lr); return this; }
        public Builder optBatchSize(int n) { tuning.optBatchSize(n); return this; }
        public Builder optFreezeBatchNorm(boolean on) { tuning.optFreezeBatchNorm(on); return this; }
        public Builder optSeed(int seed) { tuning.optSeed(seed); return this; }
        public Builder optThreads(int n) { tuning.optThreads(n); return this; }
        public Builder optProbeEpochs(int n) { tuning.optProbeEpochs(n); return this; }
        public Builder optTsneIterations(int n) { tuning.optTsneIterations(n); return this; }
        /** Images per ONNX Runtime batch while caching start tensors; default 16. */
        public Builder optExtractionBatch(int n) { this.batch = n; return this; }
        public Builder optExtractionListener(Extractor.Listener l) { this.extraction = l; return this; }
        public Builder optListener(ProgressListener l) { this.listener = l; return this; }

        public FineTuneJob build() {
            return new FineTuneJob(this);
        }
    }
}
