package imvec.finetune;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.onnx.OnnxBackbone;
import imvec.store.AtomicFiles;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of an ONNX backbone between two tensors as a trainable DJL block, for trainers that
 * bring their own head and loss (the spatial head): the caller runs {@link #forward} inside its
 * gradient collector, back-propagates its loss, then calls {@link #update}. Saved as a head-less
 * tuned model ({@link #write}) that {@link TunedBackbone} opens like any backbone.
 */
public final class TrainableTail implements AutoCloseable {
    /** What a head-less tuned card names as its head. */
    static final String NO_HEAD = "none";
    private static final String FORMAT = "imvec-tuned-onnx-tail";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final OnnxBackbone base;
    private final ImportedBlock block;
    private final Model model;
    private final String from, to;
    private final long[] startItem, outputItem;

    private TrainableTail(OnnxBackbone base, ImportedBlock block, String from, String to, long[] startItem) {
        this.base = base;
        this.block = block;
        this.from = from;
        this.to = to;
        this.model = Model.newInstance("tail", Device.cpu(), "PyTorch");
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, ImportedNet.batchShape(1, startItem));
        // DJL's Trainer marks trainable arrays for autograd; without a Trainer this is done here.
        for (Parameter p : trainable()) p.getArray().setRequiresGradient(true);
        this.startItem = startItem.clone();
        long[] out = block.getOutputShapes(new ai.djl.ndarray.types.Shape[] {ImportedNet.batchShape(1, startItem)})[0].getShape();
        this.outputItem = java.util.Arrays.copyOfRange(out, 1, out.length);
    }

    /**
     * The part of {@code base} from tensor {@code from} to tensor {@code to}, loaded with the
     * model's weights, for inputs of the size {@code base}'s card gives (its input may be free).
     * An unknown tensor, a {@code to} that is not computed from {@code from}, or an op the import
     * does not support is a {@link UserError}.
     */
    public static TrainableTail of(OnnxBackbone base, String from, String to) {
        requireBefore(base, from, to);
        ImportedBlock block = OnnxImport.builder().setGraph(base.graph()).setFrom(from).optOutputs(List.of(to)).build();
        imvec.model.ModelCard c = base.card();
        long[] start = base.forward(new float[c.channels() * c.height() * c.width()], 1, List.of(from)).get(from).shape();
        return new TrainableTail(base, block, from, to, java.util.Arrays.copyOfRange(start, 1, start.length));
    }

    /** {@code from} must be a tensor of {@code base} and {@code to} must be computed from it. */
    public static void requireBefore(OnnxBackbone base, String from, String to) {
        String file = base.path().getFileName().toString();
        if (!base.graph().isTappable(from)) {
            throw new UserError("there is no tensor '" + from + "' in " + file
                    + Suggestions.didYouMean(from, base.graph().tensorNames()) + " (list them with `imvec layers`).");
        }
        if (from.equals(to) || !OnnxImport.downstream(base.graph().proto().getGraph(), from).contains(to)) {
            throw new UserError("tensor '" + from + "' does not come before the tap '" + to + "' in " + file
                    + "; tune from a tensor the tap is computed from.");
        }
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    /** One start tensor's shape (no batch axis) at the base model's input size. */
    public long[] startItem() {
        return startItem.clone();
    }

    /** One output tensor's shape (no batch axis) for a start tensor of {@link #startItem}. */
    public long[] outputItem() {
        return outputItem.clone();
    }

    /** Names of the parameters training changes, in the tail's node order. */
    public List<String> trainableParameters() {
        List<String> out = new ArrayList<>();
        for (Parameter p : trainable()) out.add(p.getName());
        return out;
    }

    public long trainableValues() {
        return block.trainableValues();
    }

    /** Keeps BatchNormalization's scale and shift at their pretrained values. */
    public void freezeBatchNorm() {
        block.freezeBatchNorm();
    }

    private List<Parameter> trainable() {
        List<Parameter> out = new ArrayList<>();
        for (var pair : block.getParameters()) if (pair.getValue().requiresGradient()) out.add(pair.getValue());
        return out;
    }

    /**
     * The {@code to} tensor for a batch of {@code from} tensors, recorded for autograd when called
     * inside a gradient collector: the tail's own parameter arrays enter the graph, so the
     * collector's backward leaves their gradients for {@link #update}.
     */
    public NDArray forward(NDManager manager, NDArray x) {
        return block.evaluate(new ParameterStore(manager, false), x, true).get(to);
    }

    /** One step of {@code optimizer} on every trainable parameter from its gradient, which is then cleared. */
    public void update(Optimizer optimizer) {
        for (Parameter p : trainable()) {
            NDArray weight = p.getArray(), grad = weight.getGradient();
            optimizer.update(p.getId(), weight, grad);
            grad.muli(0); // PyTorch accumulates gradients: the next backward starts from zero
        }
    }

    /** Copies of the current weights, one array per trainable parameter in {@link #trainableParameters} order. */
    public List<float[]> weights() {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : trainable()) out.add(p.getArray().toFloatArray());
        return out;
    }

    /** Copies of the gradients the last backward pass left, in {@link #trainableParameters} order (for checks). */
    public List<float[]> gradients() {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : trainable()) out.add(p.getArray().getGradient().toFloatArray());
        return out;
    }

    /** Sets trainable parameter {@code index} (in {@link #trainableParameters} order) to {@code values}. */
    public void set(int index, float[] values) {
        trainable().get(index).getArray().set(values);
    }

    /** The tail's weights in DJL's parameter format, as {@link TunedBackbone} reads them. */
    public byte[] parameters() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        block.saveParameters(data);
        data.flush();
        return bytes.toByteArray();
    }

    /** The card of this tail as a head-less tuned model of {@code base}. */
    public FineTuneJob.TunedCard card(String preprocessing) {
        return new FineTuneJob.TunedCard(FORMAT, base.path().toAbsolutePath().toString(), base.sha256(), from, to, NO_HEAD,
                List.of(), preprocessing, base.card(), FineTuneJob.PARAMS_FILE);
    }

    /** Writes a tuned model directory: the weights, then the card (a directory with a card is complete). */
    public static void write(Path dir, FineTuneJob.TunedCard card, byte[] parameters) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(FineTuneJob.PARAMS_FILE), out -> out.write(parameters));
        AtomicFiles.writeString(dir.resolve(FineTuneJob.CARD_FILE), JSON.writeValueAsString(card));
    }

    @Override
    public void close() {
        model.close();
    }
}
