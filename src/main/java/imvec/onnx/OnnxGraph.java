package imvec.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.onnx.proto.OnnxProto.TensorShapeProto;
import imvec.onnx.proto.OnnxProto.ValueInfoProto;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model as parsed protobuf: which tensors can be tapped, and the same model re-serialised
 * with a chosen set of tensors as its graph outputs. Everything our schema subset does not
 * declare rides along as unknown fields, so the edited model is the whole model.
 */
public final class OnnxGraph {
    /** The op type reported for graph inputs, which no node produces. */
    static final String INPUT_OP = "Input";

    private final Path path;
    private final ModelProto model;
    private final ValueInfoProto input;
    /** Tappable tensor name → producing op type, in graph order (inputs first). */
    private final Map<String, String> tappable;
    private final Map<String, long[]> declaredShapes;
    private final boolean externalData;

    private OnnxGraph(Path path, ModelProto model) {
        this.path = path;
        this.model = model;
        GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : graph.getInitializerList()) initializers.add(t.getName());
        this.input = imageInput(graph, initializers);
        this.tappable = tappable(graph, initializers);
        this.declaredShapes = declaredShapes(graph);
        this.externalData = graph.getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    }

    public static OnnxGraph read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UserError("cannot read the model " + path + ": " + e.getMessage(), e);
        }
        return parse(path, bytes);
    }

    public static OnnxGraph parse(Path path, byte[] bytes) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw notOnnx(path, "it is not a protobuf file (" + e.getMessage() + ")");
        }
        // Almost any byte string parses as *some* protobuf; an ONNX model must say its IR version
        // and carry a graph with nodes.
        if (model.getIrVersion() <= 0) throw notOnnx(path, "it declares no ONNX IR version");
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) throw notOnnx(path, "it has no graph nodes");
        return new OnnxGraph(path, model);
    }

    private static UserError notOnnx(Path path, String why) {
        return new UserError(path + " is not an ONNX model: " + why + ".");
    }

    private ValueInfoProto imageInput(GraphProto graph, Set<String> initializers) {
        // Models before IR 4 list their weights as inputs too; those are not fed by the caller.
        List<ValueInfoProto> fed = graph.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName())).toList();
        if (fed.isEmpty()) throw new UserError(path + " has no graph input to feed images into.");
        if (fed.size() > 1) {
            throw new UserError(path + " takes " + fed.size() + " inputs ("
                    + String.join(", ", fed.stream().map(ValueInfoProto::getName).toList())
                    + "); imvec feeds a model one image tensor.");
        }
        return fed.get(0);
    }

    private static Map<String, String> tappable(GraphProto graph, Set<String> initializers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.contains(v.getName())) out.put(v.getName(), INPUT_OP);
        }
        // Constants are weights written as nodes: nothing an image changes, so nothing to tap.
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant")) continue;
            for (String name : node.getOutputList()) {
                if (!name.isEmpty()) out.putIfAbsent(name, node.getOpType());
            }
        }
        return out;
    }

    private static Map<String, long[]> declaredShapes(GraphProto graph) {
        Map<String, long[]> shapes = new HashMap<>();
        List<ValueInfoProto> all = new ArrayList<>(graph.getInputList());
        all.addAll(graph.getValueInfoList());
        all.addAll(graph.getOutputList());
        for (ValueInfoProto v : all) {
            if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
                shapes.put(v.getName(), shape(v.getType().getTensorType().getShape()));
            }
        }
        return shapes;
    }

    /** Dimensions with -1 for symbolic or missing sizes. */
    static long[] shape(TensorShapeProto proto) {
        long[] dims = new long[proto.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = proto.getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : -1;
        }
        return dims;
    }

    public Path path() {
        return path;
    }

    public String inputName() {
        return input.getName();
    }

    /** The image input's declared shape (-1 where unknown), empty when it declares none. */
    public long[] inputShape() {
        return declaredShapes.getOrDefault(input.getName(), new long[0]);
    }

    /** ONNX element type of the image input (1 = float32). */
    int inputElementType() {
        return input.getType().getTensorType().getElemType();
    }

    /** Tappable tensor names in graph order. */
    public List<String> tensorNames() {
        return List.copyOf(tappable.keySet());
    }

    public boolean isTappable(String name) {
        return tappable.containsKey(name);
    }

    String opType(String name) {
        return tappable.get(name);
    }

    /** Shape from the model's own type annotations, or null when the model does not say. */
    long[] declaredShape(String name) {
        long[] s = declaredShapes.get(name);
        return s == null ? null : s.clone();
    }

    /** Whether some weights live in files beside the model rather than in it. */
    boolean hasExternalData() {
        return externalData;
    }

    /** Names declared as graph outputs by the model itself. */
    public List<String> declaredOutputs() {
        return model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /**
     * The model serialised with exactly {@code outputs} as graph outputs. Outputs the model
     * already declares keep their type annotation; the rest get a name only and ONNX Runtime
     * infers type and shape.
     */
    byte[] withOutputs(Collection<String> outputs) {
        Map<String, ValueInfoProto> declared = new HashMap<>();
        for (ValueInfoProto v : model.getGraph().getOutputList()) declared.put(v.getName(), v);
        GraphProto.Builder graph = model.getGraph().toBuilder().clearOutput();
        for (String name : outputs) {
            graph.addOutput(declared.getOrDefault(name, ValueInfoProto.newBuilder().setName(name).build()));
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    /**
     * Weights stored as initializers: the sum of their element counts. Weights a converter wrote
     * as {@code Constant} nodes are not counted (the model table says "from the initializers").
     */
    public long parameterCount() {
        long total = 0;
        for (TensorProto t : model.getGraph().getInitializerList()) {
            long n = 1;
            for (long d : t.getDimsList()) n *= d;
            total += n;
        }
        return total;
    }

    /** Op types that map features to class scores at the end of a classifier. */
    private static final Set<String> CLASSIFIER_OPS = Set.of("Gemm", "MatMul", "Conv");

    /**
     * The tensor the classifier's last Gemm, MatMul or (1×1) Conv reads: the penultimate
     * features, which is what transfer learning taps. Null when the graph has none of those.
     */
    public String penultimateLayer() {
        List<NodeProto> nodes = model.getGraph().getNodeList();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto node = nodes.get(i);
            if (CLASSIFIER_OPS.contains(node.getOpType()) && node.getInputCount() > 0
                    && isTappable(node.getInput(0))) {
                return node.getInput(0);
            }
        }
        return null;
    }

    /**
     * This graph with the image input's height and width made symbolic, so ONNX Runtime accepts
     * any image size: fully convolutional models then give larger maps for larger images (a
     * 448×448 mosaic through a 224 MobileNet gives a 14×14 last conv map). Intermediate and output
     * shape annotations are dropped too, since they were computed for the fixed size (ONNX Runtime
     * crashes on inputs that contradict them) and it infers them again.
     */
    public OnnxGraph withFreeInputSize() {
        long[] declared = inputShape();
        if (declared.length != 4) {
            throw new UserError(path.getFileName() + " takes input '" + inputName() + "' of shape "
                    + java.util.Arrays.toString(declared) + ", not an image batch; its size cannot be freed.");
        }
        boolean channelsLast = OnnxBackbone.isChannelsLast(declared);
        int h = channelsLast ? 1 : 2;
        GraphProto.Builder graph = model.getGraph().toBuilder().clearValueInfo();
        for (int i = 0; i < graph.getInputCount(); i++) {
            if (!graph.getInput(i).getName().equals(inputName())) continue;
            ValueInfoProto.Builder in = graph.getInput(i).toBuilder();
            TensorShapeProto.Builder shape = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            shape.setDim(h, TensorShapeProto.Dimension.newBuilder().setDimParam("height"));
            shape.setDim(h + 1, TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
            graph.setInput(i, in);
        }
        for (int i = 0; i < graph.getOutputCount(); i++) {
            graph.setOutput(i, ValueInfoProto.newBuilder().setName(graph.getOutput(i).getName()).build());
        }
        return new OnnxGraph(path, model.toBuilder().setGraph(graph).build());
    }

    /** The parsed model, for importing its nodes. */
    public ModelProto proto() {
        return model;
    }

    /** The model exactly as parsed, serialised again. */
    byte[] serialise() {
        return model.toByteArray();
    }
}
