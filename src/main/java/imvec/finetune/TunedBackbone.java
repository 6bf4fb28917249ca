package imvec.finetune;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.train.TrainedNet;
import imvec.util.UserError;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model fine-tuned by {@code imvec finetune}, tappable like any backbone: ONNX Runtime runs
 * the frozen part up to the start tensor, the tuned DJL tail and head run the rest. Tensors the
 * tail computes carry the tuned values under their ONNX names; the new head adds
 * {@code logits} and {@code probabilities} over the tuning data's classes. A head-less tuned model
 * (a tail trained under another head, e.g. {@code imvec spatial train --tune-from}) offers the
 * tail's tensors only. Tensors of the base
 * model that come after the start tensor but are not part of the tail are not offered, since
 * ONNX Runtime would give their untuned values.
 */
public final class TunedBackbone implements Backbone {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FineTuneJob.TunedCard tuned;
    private final OnnxBackbone base;
    /** The tail and its dense head; null for a head-less model. */
    private final TunedNet net;
    private final ImportedBlock tail;
    private final Model model;
    private final ModelCard card;
    private final String sha256;
    private final Set<String> frozen;
    private final List<LayerInfo> layers;

    private TunedBackbone(Path dir, FineTuneJob.TunedCard tuned, OnnxBackbone base) throws IOException {
        this.dir = dir;
        this.tuned = tuned;
        this.base = base;
        this.tail = OnnxImport.builder().setGraph(base.graph()).setFrom(tuned.from())
                .optOutputs(List.of(tuned.to())).build();
        this.net = headless(tuned) ? null : new TunedNet(tail, tuned.classes().size());
        this.model = Model.newInstance("tuned", Device.cpu(), "PyTorch");
        ai.djl.nn.Block weights = net == null ? tail : net;
        model.setBlock(weights);
        Path params = dir.resolve(tuned.params());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(params), 1 << 16)) {
            weights.loadParameters(model.getNDManager(), new DataInputStream(in));
        } catch (MalformedModelException | IllegalArgumentException | IllegalStateException e) {
            throw new UserError(params + " does not hold the tuned weights its card describes: " + e.getMessage(), e);
        }
        this.sha256 = TrainedNet.sha256Of(params);
        this.frozen = frozenTensors(base, tuned.from());
        ModelCard b = base.card();
        this.card = new ModelCard(b.input(), b.channels(), b.height(), b.width(), b.resize(), b.mean(), b.std(), null,
                net == null ? null : tuned.classes(), net == null ? null : TrainedNet.PROBABILITIES, tuned.to(), b.licence(),
                "fine-tuned by imvec from " + tuned.baseModel() + " after '" + tuned.from() + "'", b.sampling());
        this.layers = describeLayers();
    }

    /** Whether {@code dir} holds a model written by {@code imvec finetune}. */
    public static boolean isTunedDirectory(Path dir) {
        return Files.isRegularFile(dir.resolve(FineTuneJob.CARD_FILE));
    }

    private static boolean headless(FineTuneJob.TunedCard tuned) {
        return TrainableTail.NO_HEAD.equals(tuned.head());
    }

    public static TunedBackbone load(Path dir) {
        return load(dir, 0);
    }

    /**
     * The tuned model in {@code dir} at input size {@code size}×{@code size} (the base model's
     * input made free, as for a spatial tap of 2×2 mosaics), or at its own size when {@code size} ≤ 0.
     */
    public static TunedBackbone load(Path dir, int size) {
        Path cardFile = dir.resolve(FineTuneJob.CARD_FILE);
        FineTuneJob.TunedCard tuned;
        try {
            tuned = JSON.readValue(cardFile.toFile(), FineTuneJob.TunedCard.class);
        } catch (IOException e) {
            throw new UserError(cardFile + " is not a valid tuned-model card: " + e.getMessage(), e);
        }
        Path basePath = Path.of(tuned.baseModel());
        if (!Files.isRegularFile(basePath)) {
            throw new UserError(dir + " was tuned from " + basePath + ", which is no longer there.");
        }
        OnnxBackbone base = open(basePath, tuned.baseCard(), size);
        try {
            if (!base.sha256().equals(tuned.baseSha256())) {
                throw new UserError(basePath + " has changed since " + dir + " was tuned from it (SHA-256 differs).");
            }
            return new TunedBackbone(dir.toAbsolutePath().normalize(), tuned, base);
        } catch (IOException e) {
            base.close();
            throw new UserError("cannot read the tuned model in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    private static OnnxBackbone open(Path model, ModelCard c, int size) {
        if (size <= 0) return OnnxBackbone.open(model, c);
        ModelCard sized = new ModelCard(c.input(), c.channels(), size, size, c.resize(), c.mean(), c.std(),
                c.classesFile(), c.classes(), c.outputLayer(), c.featureLayer(), c.licence(), c.source(), c.sampling());
        return OnnxBackbone.builder().setModel(model).optCard(sized).optFreeInputSize(true).build();
    }

    /** Base-model tensors ONNX Runtime computes without the tuned part: those not downstream of the start. */
    private static Set<String> frozenTensors(OnnxBackbone base, String from) {
        Set<String> downstream = OnnxImport.downstream(base.graph().proto().getGraph(), from);
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String name : base.graph().tensorNames()) if (!downstream.contains(name) || name.equals(from)) out.add(name);
        return out;
    }

    private List<LayerInfo> describeLayers() {
        List<LayerInfo> out = new ArrayList<>();
        for (LayerInfo l : base.layers()) if (frozen.contains(l.name())) out.add(l);
        // The start tensor's shape at this input size (declared shapes are the export's size).
        ModelCard c = base.card();
        long[] start = base.forward(new float[c.channels() * c.height() * c.width()], 1, List.of(tuned.from()))
                .get(tuned.from()).shape();
        long[] item = Arrays.copyOfRange(start, 1, start.length);
        Map<String, Tensor> shapes = runTail(new Tensor(batch(1, item), new float[(int) new Shape(item).size()]),
                allTuned());
        Map<String, String> ops = tail.computedTensors();
        for (Map.Entry<String, Tensor> e : shapes.entrySet()) {
            long[] s = e.getValue().shape().clone();
            s[0] = -1;
            String op = ops.getOrDefault(e.getKey(), e.getKey().equals(TrainedNet.LOGITS) ? "Gemm" : "Softmax");
            out.add(new LayerInfo(e.getKey(), op, s));
        }
        return List.copyOf(out);
    }

    private List<String> allTuned() {
        List<String> names = new ArrayList<>(tail.computedTensors().keySet());
        if (net == null) return names;
        names.add(TrainedNet.LOGITS);
        names.add(TrainedNet.PROBABILITIES);
        return names;
    }

    private static long[] batch(long n, long[] item) {
        return ImportedNet.batchShape(n, item).getShape();
    }

    @Override
    public List<LayerInfo> layers() {
        return layers;
    }

    @Override
    public ModelCard card() {
        return card;
    }

    @Override
    public Path path() {
        return dir;
    }

    /** SHA-256 of the tuned weights file (the base model's hash is in the card). */
    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public Map<String, Tensor> forward(float[] nchw, int n, List<String> names) {
        List<String> onnx = new ArrayList<>(), inTail = new ArrayList<>();
        for (String name : names) {
            if (frozen.contains(name)) onnx.add(name);
            else if (allTuned().contains(name)) inTail.add(name);
            else throw new UserError("the tuned model in " + dir + " has no layer '" + name + "'"
                    + imvec.util.Suggestions.didYouMean(name, layers.stream().map(LayerInfo::name).toList()) + ".");
        }
        List<String> fetch = new ArrayList<>(onnx);
        if (!inTail.isEmpty() && !fetch.contains(tuned.from())) fetch.add(tuned.from());
        Map<String, Tensor> fromOnnx = base.forward(nchw, n, fetch);
        Map<String, Tensor> fromTail = inTail.isEmpty() ? Map.of() : runTail(fromOnnx.get(tuned.from()), inTail);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) out.put(name, onnx.contains(name) ? fromOnnx.get(name) : fromTail.get(name));
        return out;
    }

    private synchronized Map<String, Tensor> runTail(Tensor start, List<String> wanted) {
        return TrainedNet.withoutGradients(() -> {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.create(start.data(), new Shape(start.shape()));
                Map<String, NDArray> values = tail.evaluate(store, x, false);
                if (net != null) {
                    NDArray f = values.get(tuned.to());
                    NDArray rows = f.getShape().dimension() > 2 ? f.reshape(f.getShape().get(0), -1) : f;
                    NDArray logits = net.head().forward(store, new NDList(rows), false).singletonOrThrow();
                    values.put(TrainedNet.LOGITS, logits);
                    values.put(TrainedNet.PROBABILITIES, logits.softmax(1));
                }
                Map<String, Tensor> out = new LinkedHashMap<>();
                for (String name : wanted) out.put(name, ImportedNet.tensor(values.get(name)));
                return out;
            }
        });
    }

    @Override
    public void close() {
        model.close();
        base.close();
    }
}
