package imvec.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.store.AtomicFiles;
import imvec.util.UserError;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A small CNN trained with DJL on PyTorch whose every layer can be tapped by name. The network
 * is a {@link SequentialBlock} up to the logits (what the trainer optimises); {@link #forward}
 * runs its children one by one, plus a softmax {@code probabilities} step, and keeps the
 * outputs that were asked for.
 *
 * <p>A saved model is a directory holding {@value #PARAMS_FILE} (DJL parameters),
 * {@value #ARCH_FILE}, {@value #CARD_FILE} and, once trained, {@value #TRAINING_FILE}.
 *
 * <p>One forward or training run at a time: the methods that touch the weights synchronise on
 * this object.
 */
public final class TrainedNet implements Backbone {
    public static final String PARAMS_FILE = "model.params";
    public static final String ARCH_FILE = "arch.json";
    public static final String CARD_FILE = "card.json";
    public static final String TRAINING_FILE = "training.json";
    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";

    private static final String FORMAT = "imvec-trained-net";
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Architecture architecture;
    private final int classes;
    private final Model model;
    private final SequentialBlock network;
    private final List<NamedBlock> steps;
    private final List<LayerInfo> layers;
    private ModelCard card;
    private Path path;
    private String sha256;
    private TrainingRecord training;

    /** What {@value #ARCH_FILE} holds: enough to rebuild the blocks before loading the weights. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ArchFile(@JsonProperty("format") String format,
                    @JsonProperty("format_version") int formatVersion,
                    @JsonProperty("architecture") String architecture,
                    @JsonProperty("classes") int classes,
                    @JsonProperty("channels") int channels,
                    @JsonProperty("height") int height,
                    @JsonProperty("width") int width) {
    }

    private TrainedNet(Architecture architecture, int classes, ModelCard card) {
        this.architecture = architecture;
        this.classes = classes;
        this.card = card;
        List<NamedBlock> body = architecture.newLayers(classes);
        this.network = new SequentialBlock();
        body.forEach(step -> network.add(step.block()));
        List<NamedBlock> all = new ArrayList<>(body);
        all.add(new NamedBlock(PROBABILITIES, "Softmax",
                new LambdaBlock(list -> new NDList(list.singletonOrThrow().softmax(1)), PROBABILITIES)));
        this.steps = List.copyOf(all);
        this.model = Model.newInstance(architecture.name(), Device.cpu(), "PyTorch");
        model.setBlock(network);
        // He initialisation suits the ReLU layers; biases start at zero (DJL's default).
        network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
        network.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(1));
        this.layers = describeLayers();
    }

    /**
     * A new network with freshly drawn weights. Seeds PyTorch's global generator, so two nets
     * created with the same seed start identical.
     */
    public static TrainedNet create(String architecture, ModelCard card, int seed) {
        Architecture arch = Architectures.get(architecture);
        checkCard(arch, card);
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(seed);
        return new TrainedNet(arch, card.classes().size(), card);
    }

    /**
     * The card of a net trained by imvec: stretch-resize to the architecture's input, scale to
     * [0,1], then {@code (x - mean) / std}; the feature layer is the architecture's default.
     */
    public static ModelCard cardFor(String architecture, List<String> classes, float[] mean, float[] std,
                                    String dataLicence) {
        Architecture arch = Architectures.get(architecture);
        return new ModelCard("input", arch.channels(), arch.height(), arch.width(), "stretch",
                mean.clone(), std.clone(), null, List.copyOf(classes), PROBABILITIES, arch.featureLayer(),
                dataLicence, "trained by imvec", null);
    }

    private static void checkCard(Architecture arch, ModelCard card) {
        if (card.channels() != arch.channels() || card.height() != arch.height() || card.width() != arch.width()) {
            throw new IllegalArgumentException("card input " + card.channels() + "×" + card.height() + "×"
                    + card.width() + " does not match " + arch.name() + " (" + arch.channels() + "×"
                    + arch.height() + "×" + arch.width() + ")");
        }
        if (card.classes() == null || card.classes().size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two class names in its card");
        }
        if (card.mean().length != arch.channels() || card.std().length != arch.channels()) {
            throw new IllegalArgumentException("card mean and std need one value per channel");
        }
    }

    private Shape inputShape(long batch) {
        return new Shape(batch, architecture.channels(), architecture.height(), architecture.width());
    }

    private List<LayerInfo> describeLayers() {
        List<LayerInfo> out = new ArrayList<>();
        Shape[] shapes = {inputShape(1)};
        for (NamedBlock step : steps) {
            shapes = step.block().getOutputShapes(shapes);
            long[] dims = shapes[0].getShape().clone();
            dims[0] = -1;
            out.add(new LayerInfo(step.name(), step.opType(), dims));
        }
        return List.copyOf(out);
    }

    public Architecture architecture() {
        return architecture;
    }

    public int classCount() {
        return classes;
    }

    /** How this net was trained, or null when it was never trained by {@link Training}. */
    public synchronized TrainingRecord trainingRecord() {
        return training;
    }

    @Override
    public List<LayerInfo> layers() {
        return layers;
    }

    @Override
    public ModelCard card() {
        return card;
    }

    /** The directory this net was loaded from or last saved to; null for a net only in memory. */
    @Override
    public synchronized Path path() {
        return path;
    }

    /**
     * SHA-256 of {@value #PARAMS_FILE}. For a net not yet saved it is the hash of the bytes that
     * saving would write, so it names the same weights either way.
     */
    @Override
    public synchronized String sha256() {
        if (sha256 == null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                writeParameters(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            sha256 = HexFormat.of().formatHex(sha256Digest().digest(bytes.toByteArray()));
        }
        return sha256;
    }

    @Override
    public synchronized Map<String, Tensor> forward(float[] nchw, int n, List<String> names) {
        return forward(nchw, n, names, architecture.height(), architecture.width());
    }

    /**
     * This net's convolutional part at another input size, e.g. a 2×2 mosaic of 28-pixel images
     * at 56×56: convolutions and pooling slide over any size, so the layers before the first
     * flatten can be tapped; the fully connected ones cannot (their weights fix the size) and are
     * not listed. The view shares this net's weights; closing it closes the net.
     */
    public Backbone atInputSize(int height, int width) {
        if (height < architecture.height() || width < architecture.width()) {
            throw new UserError(architecture.name() + " needs an input of at least " + architecture.height() + "×"
                    + architecture.width() + " pixels, not " + height + "×" + width + ".");
        }
        return new ResizedInput(height, width);
    }

    private final class ResizedInput implements Backbone {
        private final int height, width;
        private final List<LayerInfo> convLayers;
        private final ModelCard sized;

        ResizedInput(int height, int width) {
            this.height = height;
            this.width = width;
            List<LayerInfo> out = new ArrayList<>();
            Shape[] shapes = {new Shape(1, architecture.channels(), height, width)};
            for (NamedBlock step : steps) {
                if (step.opType().equals("Flatten")) break;
                shapes = step.block().getOutputShapes(shapes);
                long[] dims = shapes[0].getShape().clone();
                dims[0] = -1;
                out.add(new LayerInfo(step.name(), step.opType(), dims));
            }
            this.convLayers = List.copyOf(out);
            ModelCard c = card;
            this.sized = new ModelCard(c.input(), c.channels(), height, width, c.resize(), c.mean(), c.std(), c.classesFile(),
                    c.classes(), c.outputLayer(), c.featureLayer(), c.licence(), c.source(), c.sampling());
        }

        @Override
        public List<LayerInfo> layers() {
            return convLayers;
        }

        @Override
        public ModelCard card() {
            return sized;
        }

        @Override
        public Path path() {
            return TrainedNet.this.path();
        }

        @Override
        public String sha256() {
            return TrainedNet.this.sha256();
        }

        @Override
        public Map<String, Tensor> forward(float[] nchw, int n, List<String> names) {
            for (String name : names) {
                if (convLayers.stream().noneMatch(l -> l.name().equals(name))) {
                    throw new UserError("at " + height + "×" + width + " only the convolutional layers of " + architecture.name()
                            + " can be tapped (" + String.join(", ", convLayers.stream().map(LayerInfo::name).toList())
                            + "), not '" + name + "'.");
                }
            }
            return TrainedNet.this.forward(nchw, n, names, height, width);
        }

        @Override
        public void close() {
            TrainedNet.this.close();
        }
    }

    private synchronized Map<String, Tensor> forward(float[] nchw, int n, List<String> names, int height, int width) {
        Shape input = new Shape(n, architecture.channels(), height, width);
        long rowLength = (long) architecture.channels() * height * width;
        if (n < 0 || nchw.length != n * rowLength) {
            throw new IllegalArgumentException("expected " + n + " × " + rowLength + " input values, got " + nchw.length);
        }
        int last = lastStepNeeded(names);
        Map<String, Tensor> found = new LinkedHashMap<>();
        if (n == 0) {
            names.forEach(name -> found.put(name, emptyTensor(name)));
            return inRequestOrder(names, found);
        }
        withoutGradients(() -> {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                ParameterStore parameters = new ParameterStore(manager, false);
                NDList x = new NDList(manager.create(nchw, input));
                for (int i = 0; i <= last; i++) {
                    NamedBlock step = steps.get(i);
                    x = step.block().forward(parameters, x, false);
                    if (names.contains(step.name())) {
                        found.put(step.name(), toTensor(x.singletonOrThrow()));
                    }
                }
            }
            return null;
        });
        return inRequestOrder(names, found);
    }

    /**
     * Runs inference with PyTorch's autograd off. Grad mode is per thread and on by default in
     * threads DJL did not start from, so without this a forward on a worker thread would record
     * a backward graph it never uses. The caller's mode is restored afterwards.
     */
    public static <T> T withoutGradients(Supplier<T> inference) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return inference.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    private int lastStepNeeded(List<String> names) {
        int last = -1;
        for (String name : names) {
            int index = indexOf(name);
            if (index < 0) {
                throw new UserError("Model " + architecture.name() + " has no layer '" + name + "'; its layers are "
                        + String.join(", ", layers.stream().map(LayerInfo::name).toList()) + ".");
            }
            last = Math.max(last, index);
        }
        return last;
    }

    private int indexOf(String name) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private Tensor emptyTensor(String name) {
        long[] shape = layers.get(indexOf(name)).shape().clone();
        shape[0] = 0;
        return new Tensor(shape, new float[0]);
    }

    private static Map<String, Tensor> inRequestOrder(List<String> names, Map<String, Tensor> found) {
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        names.forEach(name -> ordered.put(name, found.get(name)));
        return ordered;
    }

    private static Tensor toTensor(NDArray array) {
        NDArray values = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        return new Tensor(values.getShape().getShape(), values.toFloatArray());
    }

    // ---- training hooks, used by Training ----

    Model model() {
        return model;
    }

    SequentialBlock network() {
        return network;
    }

    Shape batchShape(int n) {
        return inputShape(n);
    }

    /** The weights changed: the old hash and directory no longer describe them. */
    synchronized void trained(TrainingRecord record) {
        this.training = record;
        this.sha256 = null;
        this.path = null;
    }

    // ---- save and load ----

    /**
     * Writes this net to {@code dir}: everything goes to a sibling {@code dir.tmp-*} first, which
     * is then renamed, so a reader never sees a half-written model. An existing model directory
     * is replaced; any other existing non-empty path is refused.
     */
    public synchronized void save(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        checkWritable(target);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            AtomicFiles.write(tmp.resolve(PARAMS_FILE), this::writeParameters);
            AtomicFiles.writeString(tmp.resolve(ARCH_FILE), JSON.writeValueAsString(archFile()));
            AtomicFiles.writeString(tmp.resolve(CARD_FILE), JSON.writeValueAsString(card));
            if (training != null) {
                AtomicFiles.writeString(tmp.resolve(TRAINING_FILE), JSON.writeValueAsString(training));
            }
            replace(tmp, target);
            sha256 = sha256Of(target.resolve(PARAMS_FILE));
            path = target;
        } catch (IOException e) {
            throw new UserError("Cannot write model directory " + target + ": " + e.getMessage() + ".", e);
        } finally {
            deleteRecursively(tmp);
        }
    }

    private ArchFile archFile() {
        return new ArchFile(FORMAT, FORMAT_VERSION, architecture.name(), classes,
                architecture.channels(), architecture.height(), architecture.width());
    }

    private void writeParameters(java.io.OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        network.saveParameters(data);
        data.flush();
    }

    private static void checkWritable(Path target) {
        if (Files.exists(target) && !isEmptyDirectory(target) && !Files.isRegularFile(target.resolve(ARCH_FILE))) {
            throw new UserError("Refusing to overwrite " + target + ": it exists and is not an imvec model directory.");
        }
    }

    private static boolean isEmptyDirectory(Path path) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Swaps the finished temporary directory in, keeping the old model until the rename is done. */
    private static void replace(Path tmp, Path target) throws IOException {
        if (!Files.exists(target)) {
            AtomicFiles.move(tmp, target);
            return;
        }
        Path old = target.resolveSibling(target.getFileName() + ".old-" + UUID.randomUUID());
        Files.move(target, old);
        try {
            AtomicFiles.move(tmp, target);
        } catch (IOException e) {
            Files.move(old, target);
            throw e;
        }
        deleteRecursively(old);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover temporary directory is untidy but harmless; the model itself is in place.
        }
    }

    /** Restores a net saved by {@link #save}; anything else is a {@link UserError}. */
    public static TrainedNet load(Path dir) {
        Path source = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new UserError(source + " is not an imvec model directory: no such directory.");
        }
        for (String required : List.of(ARCH_FILE, CARD_FILE, PARAMS_FILE)) {
            if (!Files.isRegularFile(source.resolve(required))) {
                throw new UserError(source + " is not an imvec model directory: it has no " + required + ".");
            }
        }
        ArchFile arch = readJson(source.resolve(ARCH_FILE), ArchFile.class);
        if (!FORMAT.equals(arch.format()) || arch.formatVersion() != FORMAT_VERSION) {
            throw new UserError(source.resolve(ARCH_FILE) + " is not an imvec trained-net description (format "
                    + arch.format() + " v" + arch.formatVersion() + ").");
        }
        Architecture architecture = knownArchitecture(source, arch.architecture());
        ModelCard card = readJson(source.resolve(CARD_FILE), ModelCard.class);
        if (card.classes() == null || card.classes().size() != arch.classes()) {
            throw new UserError(source.resolve(CARD_FILE) + " lists " + (card.classes() == null ? 0 : card.classes().size())
                    + " classes but the model has " + arch.classes() + ".");
        }
        TrainedNet net = new TrainedNet(architecture, arch.classes(), card);
        try {
            net.readParameters(source.resolve(PARAMS_FILE));
            if (Files.isRegularFile(source.resolve(TRAINING_FILE))) {
                net.training = readJson(source.resolve(TRAINING_FILE), TrainingRecord.class);
            }
            net.sha256 = sha256Of(source.resolve(PARAMS_FILE));
            net.path = source;
            return net;
        } catch (RuntimeException | IOException e) {
            net.close();
            if (e instanceof UserError userError) {
                throw userError;
            }
            throw new UserError("Cannot read " + source.resolve(PARAMS_FILE) + ": " + e.getMessage() + ".", e);
        }
    }

    private static Architecture knownArchitecture(Path source, String name) {
        try {
            return Architectures.get(name);
        } catch (UserError e) {
            throw new UserError(source.resolve(ARCH_FILE) + " names architecture '" + name
                    + "', which this imvec does not know (known: " + String.join(", ", Architectures.names()) + ").");
        }
    }

    private void readParameters(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            network.loadParameters(model.getNDManager(), new DataInputStream(in));
        } catch (MalformedModelException | IllegalArgumentException | IllegalStateException e) {
            throw new UserError(file + " does not hold weights for " + architecture.name() + " with " + classes
                    + " classes: " + e.getMessage() + ".", e);
        }
    }

    private static <T> T readJson(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (JacksonException e) {
            throw new UserError(file + " is not valid: " + e.getOriginalMessage() + ".", e);
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    public static String sha256Of(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** All weights as flat float arrays in parameter order, e.g. to compare two nets. */
    public synchronized List<float[]> parameterValues() {
        List<float[]> values = new ArrayList<>();
        for (var pair : network.getParameters()) {
            values.add(pair.getValue().getArray().toFloatArray());
        }
        return values;
    }

    @Override
    public synchronized void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "TrainedNet[" + architecture.name() + ", " + classes + " classes, " + Arrays.toString(inputShape(-1).getShape()) + "]";
    }
}
