package imvec.finetune;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import imvec.onnx.OnnxGraph;
import imvec.onnx.OnnxTensors;
import imvec.onnx.proto.OnnxProto.AttributeProto;
import imvec.onnx.proto.OnnxProto.GraphProto;
import imvec.onnx.proto.OnnxProto.ModelProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.onnx.proto.OnnxProto.OperatorSetIdProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports the part of an ONNX graph after a chosen tensor as a trainable {@link ImportedBlock}
 * initialised with the model's weights, for fine-tuning what ONNX Runtime can only run.
 *
 * <pre>{@code
 * ImportedBlock tail = OnnxImport.builder().setModel(Path.of("mobilenet.onnx"))
 *         .setFrom("conv_pw_12_relu").build();
 * }</pre>
 *
 * <p>Without {@link Builder#optOutputs} the block returns every declared graph output computed
 * from the tensor. A node the block needs whose value comes from before the tensor (a skip
 * connection that bypasses it) or whose op is not supported is a {@link UserError} naming it.
 */
public final class OnnxImport {
    private final OnnxGraph graph;
    private final String from;
    private final List<String> requestedOutputs;
    private final GraphProto proto;
    private final int opset;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Set<String> fromConstantNodes = new HashSet<>();
    private final Map<String, NodeProto> producers = new HashMap<>();

    private OnnxImport(Builder b) {
        this.graph = b.graph != null ? b.graph : OnnxGraph.read(b.model);
        this.from = b.from;
        this.requestedOutputs = b.outputs;
        this.proto = graph.proto().getGraph();
        this.opset = defaultOpset(graph.proto());
        for (TensorProto t : proto.getInitializerList()) constants.put(t.getName(), t);
        for (NodeProto node : proto.getNodeList()) {
            if (node.getOpType().equals("Constant")) {
                constants.put(node.getOutput(0), constantValue(node));
                fromConstantNodes.add(node.getOutput(0));
            }
            for (String out : node.getOutputList()) if (!out.isEmpty()) producers.put(out, node);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static int defaultOpset(ModelProto model) {
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) return (int) o.getVersion();
        }
        return 1;
    }

    private String where() {
        return graph.path().getFileName().toString();
    }

    private ImportedBlock build() {
        if (!graph.isTappable(from) || constants.containsKey(from)) {
            throw new UserError("there is no tensor '" + from + "' in " + where()
                    + Suggestions.didYouMean(from, graph.tensorNames()) + " (list them with `imvec layers`).");
        }
        Set<String> downstream = downstreamTensors();
        List<String> outputs = outputs(downstream);
        Set<NodeProto> needed = neededNodes(outputs, downstream);
        return assemble(outputs, needed);
    }

    /** Tensors computed, directly or not, from {@code from}. */
    private Set<String> downstreamTensors() {
        return downstream(proto, from);
    }

    /** Tensors of {@code graph} computed, directly or not, from {@code from} (which is included). */
    static Set<String> downstream(GraphProto graph, String from) {
        Set<String> reached = new HashSet<>();
        reached.add(from);
        for (NodeProto node : graph.getNodeList()) {
            if (node.getInputList().stream().anyMatch(reached::contains)) {
                node.getOutputList().stream().filter(o -> !o.isEmpty()).forEach(reached::add);
            }
        }
        return reached;
    }

    private List<String> outputs(Set<String> downstream) {
        if (requestedOutputs != null && !requestedOutputs.isEmpty()) {
            for (String name : requestedOutputs) {
                if (!downstream.contains(name) || name.equals(from)) {
                    throw new UserError("tensor '" + name + "' of " + where() + " is not computed from '" + from
                            + "'" + (graph.isTappable(name) ? "" : Suggestions.didYouMean(name, graph.tensorNames())) + ".");
                }
            }
            return List.copyOf(requestedOutputs);
        }
        List<String> out = graph.declaredOutputs().stream().filter(downstream::contains).filter(o -> !o.equals(from)).toList();
        if (out.isEmpty()) {
            throw new UserError("no output of " + where() + " is computed from '" + from + "'; pick an earlier tensor.");
        }
        return out;
    }

    /** The nodes between {@code from} and the outputs; anything they need from before {@code from} is an error. */
    private Set<NodeProto> neededNodes(List<String> outputs, Set<String> downstream) {
        Set<NodeProto> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(outputs);
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            String tensor = todo.pop();
            if (tensor.isEmpty() || tensor.equals(from) || constants.containsKey(tensor) || !seen.add(tensor)) continue;
            NodeProto node = producers.get(tensor);
            if (node == null || !downstream.contains(tensor)) {
                String by = node == null ? "is a graph input" : "comes from node '" + OnnxOps.nodeName(node) + "'";
                throw new UserError("the part of " + where() + " after '" + from + "' also reads tensor '" + tensor
                        + "', which " + by + " before it; import from an earlier tensor.");
            }
            if (!node.getOutput(0).equals(tensor)) {
                throw new UserError("node '" + OnnxOps.nodeName(node) + "' of " + where() + " feeds its extra output '"
                        + tensor + "' onward; imvec imports a node's first output only.");
            }
            if (needed.add(node)) {
                Set<Integer> importTime = OnnxOps.importTimeInputs(node.getOpType());
                for (int i = 0; i < node.getInputCount(); i++) if (!importTime.contains(i)) todo.push(node.getInput(i));
            }
        }
        return needed;
    }

    private ImportedBlock assemble(List<String> outputs, Set<NodeProto> needed) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        List<Parameter> batchNormAffine = new ArrayList<>();
        List<ImportedBlock.Step> steps = new ArrayList<>();
        OnnxOps.Context ctx = context();
        for (NodeProto node : proto.getNodeList()) {
            if (!needed.contains(node)) continue;
            OnnxOps.Kernel kernel = OnnxOps.kernel(node, ctx);
            Set<Integer> importTime = OnnxOps.importTimeInputs(node.getOpType());
            Set<Integer> frozen = OnnxOps.frozenInputs(node.getOpType());
            String[] inputs = new String[node.getInputCount()];
            for (int i = 0; i < inputs.length; i++) {
                String name = node.getInput(i);
                if (name.isEmpty() || importTime.contains(i)) continue;
                inputs[i] = name;
                if (constants.containsKey(name) && !parameters.containsKey(name)) {
                    boolean trainable = !frozen.contains(i) && !fromConstantNodes.contains(name);
                    Parameter p = parameter(constants.get(name), trainable);
                    parameters.put(name, p);
                    if (node.getOpType().equals("BatchNormalization") && (i == 1 || i == 2)) batchNormAffine.add(p);
                }
            }
            steps.add(new ImportedBlock.Step(OnnxOps.nodeName(node), node.getOpType(), inputs, node.getOutput(0), kernel));
        }
        return new ImportedBlock(from, outputs, steps, List.copyOf(parameters.values()), batchNormAffine);
    }

    private Parameter parameter(TensorProto t, boolean trainable) {
        if (!OnnxTensors.isFloating(t)) {
            throw new UserError("tensor '" + t.getName() + "' of " + where() + " holds ONNX element type " + t.getDataType()
                    + " and feeds a computation; imvec imports float weights only.");
        }
        float[] values = OnnxTensors.floats(t, graph.path());
        Shape shape = new Shape(OnnxTensors.dims(t));
        return Parameter.builder().setName(t.getName()).setType(Parameter.Type.WEIGHT).optShape(shape)
                .optInitializer((manager, s, type) -> manager.create(values, s))
                .optRequiresGrad(trainable).build();
    }

    private OnnxOps.Context context() {
        return new OnnxOps.Context() {
            public int opset() {
                return opset;
            }

            public long[] constantLongs(String tensor) {
                TensorProto t = constants.get(tensor);
                return t == null ? null : OnnxTensors.longs(t, graph.path());
            }

            public float[] constantFloats(String tensor) {
                TensorProto t = constants.get(tensor);
                return t == null ? null : OnnxTensors.floats(t, graph.path());
            }

            public String where() {
                return OnnxImport.this.where();
            }
        };
    }

    /** A Constant node's value as a tensor, whichever attribute form it uses. */
    private TensorProto constantValue(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(node.getOutput(0));
            switch (a.getName()) {
                case "value": return a.getT().toBuilder().setName(node.getOutput(0)).build();
                case "value_float": return t.setDataType(OnnxTensors.FLOAT).addFloatData(a.getF()).build();
                case "value_floats": return t.setDataType(OnnxTensors.FLOAT).addDims(a.getFloatsCount()).addAllFloatData(a.getFloatsList()).build();
                case "value_int": return t.setDataType(OnnxTensors.INT64).addInt64Data(a.getI()).build();
                case "value_ints": return t.setDataType(OnnxTensors.INT64).addDims(a.getIntsCount()).addAllInt64Data(a.getIntsList()).build();
                default: break;
            }
        }
        throw new UserError("Constant node '" + OnnxOps.nodeName(node) + "' of " + where() + " has a value form imvec cannot read.");
    }

    /** Which model, from which tensor, to which outputs. */
    public static final class Builder {
        private Path model;
        private OnnxGraph graph;
        private String from;
        private List<String> outputs;

        private Builder() {
        }

        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        Builder setGraph(OnnxGraph graph) {
            this.graph = graph;
            return this;
        }

        /** The tensor the imported block takes: a node output, or the graph input to import everything. */
        public Builder setFrom(String tensor) {
            this.from = tensor;
            return this;
        }

        /** Tensors to return; default every declared graph output computed from the start tensor. */
        public Builder optOutputs(List<String> outputs) {
            this.outputs = outputs == null ? null : List.copyOf(outputs);
            return this;
        }

        public ImportedBlock build() {
            if (model == null && graph == null) throw new IllegalStateException("setModel is required");
            if (from == null) throw new IllegalStateException("setFrom is required");
            return new OnnxImport(this).build();
        }
    }
}
