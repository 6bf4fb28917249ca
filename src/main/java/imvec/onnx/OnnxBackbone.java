package imvec.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import imvec.model.Backbone;
import imvec.model.InferenceRate;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.ModelCards;
import imvec.model.Tensor;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An ONNX model run by ONNX Runtime where any tensor of the graph can be tapped, not only the
 * outputs the exporter chose.
 *
 * <p>Tapping: for each distinct set of requested layers the model is re-serialised with exactly
 * those tensors as graph outputs (name only; ONNX Runtime infers type and shape) and a session
 * is built from the edited bytes. ONNX Runtime then computes only the nodes those outputs need,
 * and its graph optimisers leave every graph output intact (a fusion that would swallow a
 * requested tensor is skipped), so full optimisation is safe. Sessions are cached per layer
 * set (least recently used beyond {@link Builder#optSessionCacheSize}).
 *
 * <p>Layout: callers always pass channel-first batches; a model that takes {@code [N, H, W, C]}
 * is fed a transposed copy, and its tapped tensors come back in the model's own layout.
 *
 * <p>Threads: {@link #forward} may be called from several threads at once; ONNX Runtime's
 * {@code run} is thread-safe and each call holds its session until done. Each run already uses
 * {@link Builder#optIntraOpThreads} cores, so concurrent runs mostly help when batches are small.
 */
public final class OnnxBackbone implements Backbone {
    private static final String CARD_SUFFIX = ".json";
    private static final int FLOAT32 = 1;

    private final OnnxGraph graph;
    private final ModelCard card;
    private final String sha256;
    private final int threads;
    private final OptLevel optimisation;
    private final boolean spinning;
    private final boolean channelsLast;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final SessionCache sessions;
    private List<LayerInfo> layers;

    private OnnxBackbone(Builder b, OnnxGraph graph, String sha256) {
        this.graph = graph;
        this.sha256 = sha256;
        this.threads = b.threads;
        this.optimisation = b.optimisation;
        this.spinning = b.spinning;
        if (graph.inputElementType() != FLOAT32 && graph.inputElementType() != 0) {
            throw new UserError(graph.path() + " takes input '" + graph.inputName() + "' of ONNX element type "
                    + graph.inputElementType() + "; imvec feeds float32 (type 1) images.");
        }
        this.channelsLast = isChannelsLast(graph.inputShape());
        this.card = CardCompletion.complete(b.card != null ? b.card : ModelCards.read(cardPath(b.model)), graph, channelsLast,
                b.inputChw);
        this.sessions = new SessionCache(this::createSession, b.sessionCacheSize);
    }

    /**
     * Opens {@code model}; the card is {@code cardOrNull}, else {@code <model>.json} beside it,
     * else one derived from the graph input (size and channels from its shape, mean 0, std 1,
     * stretch resize) for the caller to override.
     */
    public static OnnxBackbone open(Path model, ModelCard cardOrNull) {
        return builder().setModel(model).optCard(cardOrNull).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every tappable tensor of {@code model}, without loading its card: for {@code imvec layers}. */
    public static List<LayerInfo> listLayers(Path model) {
        return inferLayers(OnnxGraph.read(model), OrtEnvironment.getEnvironment());
    }

    /** Where the card of {@code model} is looked for: {@code <model file name>.json} beside it. */
    public static Path cardPath(Path model) {
        return model.resolveSibling(model.getFileName() + CARD_SUFFIX);
    }

    @Override
    public synchronized List<LayerInfo> layers() {
        if (layers == null) layers = inferLayers(graph, env);
        return layers;
    }

    @Override
    public ModelCard card() {
        return card;
    }

    @Override
    public Path path() {
        return graph.path();
    }

    /** SHA-256 of the {@code .onnx} file (weights in external data files are not included). */
    @Override
    public String sha256() {
        return sha256;
    }

    /** The parsed graph, for importing parts of it. */
    public OnnxGraph graph() {
        return graph;
    }

    public int intraOpThreads() {
        return threads;
    }

    @Override
    public Map<String, Tensor> forward(float[] nchw, int n, List<String> layerNames) {
        if (layerNames.isEmpty()) throw new IllegalArgumentException("ask forward for at least one layer");
        layerNames.forEach(this::requireTappable);
        if (n > 1 && fixedBatchOfOne()) return forwardOneByOne(nchw, n, layerNames);
        long[] inputShape = inputShape(n, nchw.length);
        Map<String, Tensor> fetched = layerNames.stream().allMatch(this::isInput)
                ? Map.of() : run(nchw, inputShape, tensorsToFetch(layerNames));
        Map<String, Tensor> out = new LinkedHashMap<>();
        // The input comes back as the caller gave it (channel-first even for channels-last models).
        long[] givenShape = channelsLast ? nchwShape(n) : inputShape;
        for (String name : layerNames) {
            out.put(name, isInput(name) ? new Tensor(givenShape, nchw.clone()) : fetched.get(name));
        }
        return out;
    }

    /** Exporters often fix the batch at 1 (many ONNX zoo models do); such a model runs image by image. */
    private boolean fixedBatchOfOne() {
        long[] declared = graph.inputShape();
        return declared.length > 0 && declared[0] == 1;
    }

    private Map<String, Tensor> forwardOneByOne(float[] nchw, int n, List<String> layerNames) {
        int per = nchw.length / n;
        List<Map<String, Tensor>> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) parts.add(forward(Arrays.copyOfRange(nchw, i * per, (i + 1) * per), 1, layerNames));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : layerNames) {
            Tensor first = parts.get(0).get(name);
            int row = first.data().length;
            float[] data = new float[n * row];
            for (int i = 0; i < n; i++) System.arraycopy(parts.get(i).get(name).data(), 0, data, i * row, row);
            long[] shape = first.shape().clone();
            shape[0] = n;
            out.put(name, new Tensor(shape, data));
        }
        return out;
    }

    /** Weights held as initializers (see {@link OnnxGraph#parameterCount}). */
    public long parameterCount() {
        return graph.parameterCount();
    }

    /** Weights held as initializers of the ONNX file at {@code path}, read without starting a session. */
    public static long parameterCount(Path path) {
        return OnnxGraph.read(path).parameterCount();
    }

    /**
     * Raw inference speed: {@code batches} timed runs of {@link #forward} on one random batch
     * (values in [-1, 1], seed 42) after two warm-up runs, which also build the session.
     */
    public InferenceRate benchRaw(int batch, int batches, List<String> layerNames) {
        if (batch < 1 || batches < 1) throw new IllegalArgumentException("batch and batches must be positive");
        float[] x = new float[batch * perImage()];
        Random random = new Random(42);
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat() * 2 - 1;
        for (int i = 0; i < 2; i++) forward(x, batch, layerNames);
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) forward(x, batch, layerNames);
        return new InferenceRate(batch, batches, threads, (System.nanoTime() - start) / 1e9);
    }

    @Override
    public void close() {
        sessions.close();
    }

    private boolean isInput(String name) {
        return OnnxGraph.INPUT_OP.equals(graph.opType(name));
    }

    private void requireTappable(String name) {
        if (graph.isTappable(name)) return;
        List<String> close = Suggestions.closest(name, graph.tensorNames(), 5);
        String hint = close.isEmpty() ? "run `imvec layers " + graph.path() + "` to list them"
                : "did you mean " + String.join(", ", close) + "?";
        throw new UserError("unknown layer '" + name + "' in " + graph.path().getFileName() + "; " + hint);
    }

    /** Requested node outputs, deduplicated, in graph order so one layer set maps to one session. */
    private List<String> tensorsToFetch(List<String> layerNames) {
        Set<String> wanted = new LinkedHashSet<>(layerNames);
        List<String> out = new ArrayList<>();
        for (String name : graph.tensorNames()) {
            if (wanted.contains(name) && !isInput(name)) out.add(name);
        }
        return out;
    }

    private Map<String, Tensor> run(float[] nchw, long[] inputShape, List<String> outputs) {
        float[] fed = channelsLast ? toChannelsLast(nchw, inputShape) : nchw;
        try (SessionCache.Lease lease = sessions.acquire(outputs);
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(fed), inputShape);
             OrtSession.Result result = lease.session().run(Map.of(graph.inputName(), x))) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : outputs) out.put(name, toTensor(name, result.get(name).orElseThrow()));
            return out;
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime failed to run " + graph.path().getFileName() + " on a batch of shape "
                    + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
    }

    private OrtSession createSession(List<String> outputs) throws OrtException {
        try (OrtSession.SessionOptions options = sessionOptions()) {
            return env.createSession(graph.withOutputs(outputs), options);
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load " + graph.path() + ": " + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setOptimizationLevel(optimisation);
        options.setMemoryPatternOptimization(true);
        // Spinning workers burn the cores that decode the next batch while waiting for work.
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        findExternalData(options, graph);
        return options;
    }

    /** Built from bytes, a session no longer knows where the model file (and its weight files) lives. */
    private static void findExternalData(OrtSession.SessionOptions options, OnnxGraph graph) throws OrtException {
        if (graph.hasExternalData()) {
            options.addConfigEntry("session.model_external_initializers_file_folder_path",
                    graph.path().toAbsolutePath().getParent().toString());
        }
    }

    /** Values per batch item the input takes. */
    private int perImage() {
        long[] declared = graph.inputShape();
        if (declared.length == 4 || declared.length == 0) return card.channels() * card.height() * card.width();
        long per = 1;
        for (int i = 1; i < declared.length; i++) per *= Math.max(declared[i], 1);
        return (int) per;
    }

    private long[] nchwShape(int n) {
        return new long[] {n, card.channels(), card.height(), card.width()};
    }

    private long[] inputShape(int n, int length) {
        if (n < 1) throw new IllegalArgumentException("batch size must be positive, got " + n);
        long[] declared = graph.inputShape();
        if (declared.length == 4 || declared.length == 0) {
            if (perImage() == 0) {
                throw new UserError(graph.path().getFileName() + " leaves its input size open and no card gives it;"
                        + " pass --channels and --size (or set channels, height and width in its card).");
            }
            if ((long) n * perImage() != length) {
                throw new IllegalArgumentException("a batch of " + n + " " + card.channels() + "×" + card.height() + "×"
                        + card.width() + " images needs " + (long) n * perImage() + " values, got " + length);
            }
            return channelsLast ? new long[] {n, card.height(), card.width(), card.channels()} : nchwShape(n);
        }
        return flatInputShape(declared, n, length);
    }

    /** Inputs that are not images (e.g. {@code [N, 784]}): the declared shape, one unknown solved. */
    private long[] flatInputShape(long[] declared, int n, int length) {
        long[] shape = declared.clone();
        shape[0] = n;
        long known = n;
        int unknown = -1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] > 0) known *= shape[i];
            else if (unknown < 0) unknown = i;
            else throw new UserError(graph.path() + " has input " + graph.inputName() + " with several unknown sizes; imvec cannot shape a batch for it.");
        }
        if (unknown > 0) shape[unknown] = length / known;
        long total = 1;
        for (long d : shape) total *= d;
        if (total != length) throw new IllegalArgumentException("input " + Arrays.toString(shape) + " needs " + total + " values, got " + length);
        return shape;
    }

    /** TensorFlow exports often take {@code [N, H, W, C]}; callers still hand us NCHW. */
    public static boolean isChannelsLast(long[] s) {
        return s.length == 4 && (s[3] == 1 || s[3] == 3) && s[1] != 1 && s[1] != 3;
    }

    private static float[] toChannelsLast(float[] nchw, long[] nhwc) {
        int n = (int) nhwc[0], h = (int) nhwc[1], w = (int) nhwc[2], c = (int) nhwc[3];
        float[] out = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int from = (b * c + ch) * h * w;
                for (int p = 0; p < h * w; p++) out[(b * h * w + p) * c + ch] = nchw[from + p];
            }
        }
        return out;
    }

    private Tensor toTensor(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor t)) {
            throw new UserError("layer '" + name + "' of " + graph.path().getFileName() + " is a " + value.getType()
                    + ", not a tensor; only tensors can be tapped.");
        }
        TensorInfo info = t.getInfo();
        return new Tensor(info.getShape(), floats(name, t, info.type));
    }

    /** Every numeric element type becomes float32, since stores and analyses work in float32. */
    private float[] floats(String name, OnnxTensor t, OnnxJavaType type) {
        return switch (type) {
            case FLOAT, FLOAT16, BFLOAT16 -> t.getFloatBuffer().array();
            case DOUBLE -> fromDoubles(t.getDoubleBuffer());
            case INT64 -> fromLongs(t.getLongBuffer());
            case INT32 -> fromInts(t.getIntBuffer());
            case INT16 -> fromShorts(t.getShortBuffer());
            case INT8, BOOL -> fromBytes(t.getByteBuffer(), false);
            case UINT8 -> fromBytes(t.getByteBuffer(), true);
            default -> throw new UserError("layer '" + name + "' of " + graph.path().getFileName() + " holds " + type
                    + " values, which cannot be read as numbers; pick another layer.");
        };
    }

    private static float[] fromDoubles(DoubleBuffer b) {
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = (float) b.get(i);
        return out;
    }

    private static float[] fromLongs(LongBuffer b) {
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i);
        return out;
    }

    private static float[] fromInts(IntBuffer b) {
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i);
        return out;
    }

    private static float[] fromShorts(ShortBuffer b) {
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = b.get(i);
        return out;
    }

    private static float[] fromBytes(ByteBuffer b, boolean unsigned) {
        float[] out = new float[b.remaining()];
        for (int i = 0; i < out.length; i++) out[i] = unsigned ? b.get(i) & 0xFF : b.get(i);
        return out;
    }

    /**
     * Names, op types and shapes of every tappable tensor. Shapes the model does not annotate
     * come from ONNX Runtime's own inference: one session with every tensor as an output, built
     * unoptimised (it is never run) and closed at once.
     */
    private static List<LayerInfo> inferLayers(OnnxGraph graph, OrtEnvironment env) {
        List<String> names = graph.tensorNames();
        boolean complete = names.stream().allMatch(name -> graph.declaredShape(name) != null);
        Map<String, long[]> inferred = complete ? Map.of() : inferShapes(graph, env);
        List<LayerInfo> out = new ArrayList<>(names.size());
        for (String name : names) {
            long[] shape = graph.declaredShape(name);
            if (shape == null) shape = inferred.getOrDefault(name, new long[0]);
            out.add(new LayerInfo(name, graph.opType(name), shape));
        }
        return List.copyOf(out);
    }

    private static Map<String, long[]> inferShapes(OnnxGraph graph, OrtEnvironment env) {
        List<String> outputs = graph.tensorNames().stream()
                .filter(name -> !OnnxGraph.INPUT_OP.equals(graph.opType(name))).toList();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OptLevel.NO_OPT);
            findExternalData(options, graph);
            try (OrtSession session = env.createSession(graph.withOutputs(outputs), options)) {
                Map<String, long[]> shapes = new LinkedHashMap<>();
                session.getOutputInfo().forEach((name, node) -> shapes.put(name, shapeOf(node.getInfo())));
                return shapes;
            }
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot load " + graph.path() + ": " + e.getMessage(), e);
        }
    }

    private static long[] shapeOf(ValueInfo info) {
        return info instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Options for opening an ONNX model; only the model is required. */
    public static final class Builder {
        private Path model;
        private ModelCard card;
        private int threads = Runtime.getRuntime().availableProcessors();
        private OptLevel optimisation = OptLevel.ALL_OPT;
        private boolean spinning = false;
        private int sessionCacheSize = 4;
        private int[] inputChw = new int[3];
        private boolean freeInputSize;

        private Builder() {
        }

        /**
         * Input channels, height and width to use over the card's (0 keeps the card's or the
         * graph's); what a graph that leaves its input size open needs when no card gives it.
         */
        public Builder optInputSize(int channels, int height, int width) {
            if (channels < 0 || height < 0 || width < 0) {
                throw new UserError("input size must be positive, got " + channels + "x" + height + "x" + width + ".");
            }
            this.inputChw = new int[] {channels, height, width};
            return this;
        }

        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /** Preprocessing and labels; by default read from {@code <model>.json} or derived from the graph. */
        public Builder optCard(ModelCard card) {
            this.card = card;
            return this;
        }

        /** Cores one run may use; default all the JVM sees. */
        public Builder optIntraOpThreads(int threads) {
            if (threads < 1) throw new UserError("threads must be at least 1, got " + threads + ".");
            this.threads = threads;
            return this;
        }

        /** ONNX Runtime graph optimisation; default {@code ALL_OPT} (requested outputs survive any level). */
        public Builder optOptimisation(OptLevel level) {
            this.optimisation = level;
            return this;
        }

        /**
         * Whether idle ONNX Runtime workers spin instead of sleeping; default off so they do not
         * take cores from image decoding between runs.
         */
        public Builder optSpinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /** Distinct layer sets whose sessions stay open; default 4. */
        public Builder optSessionCacheSize(int size) {
            if (size < 1) throw new IllegalArgumentException("session cache size must be at least 1, got " + size);
            this.sessionCacheSize = size;
            return this;
        }

        /**
         * Whether to make the input's height and width symbolic (see {@link OnnxGraph#withFreeInputSize}),
         * so the card may ask for another size than the export's; default off.
         */
        public Builder optFreeInputSize(boolean free) {
            this.freeInputSize = free;
            return this;
        }

        public OnnxBackbone build() {
            if (model == null) throw new IllegalStateException("setModel is required");
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(model);
            } catch (IOException e) {
                throw new UserError("cannot read the model " + model + ": " + e.getMessage(), e);
            }
            OnnxGraph graph = OnnxGraph.parse(model, bytes);
            return new OnnxBackbone(this, freeInputSize ? graph.withFreeInputSize() : graph, sha256(bytes));
        }
    }
}
