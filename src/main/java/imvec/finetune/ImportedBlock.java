package imvec.finetune;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import imvec.train.TrainedNet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX graph after one tensor, as a trainable DJL block: it takes that tensor and
 * returns the chosen outputs. Nodes run in graph order over a table of named tensors, so
 * branches, residual additions and concatenations work, not only chains. Initializers are the
 * block's parameters (BatchNormalization's running statistics are parameters that never train).
 * Built by {@link OnnxImport}.
 */
public final class ImportedBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    /** One ONNX node: the tensors it reads (null where nothing is fed at run time) and writes. */
    record Step(String name, String opType, String[] inputs, String output, OnnxOps.Kernel kernel) {
    }

    private final String input;
    private final List<String> outputs;
    private final List<Step> steps;
    /** Constant tensor name → its parameter. */
    private final Map<String, Parameter> weights = new LinkedHashMap<>();
    private final List<Parameter> batchNormAffine = new ArrayList<>();

    ImportedBlock(String input, List<String> outputs, List<Step> steps, List<Parameter> parameters,
                  List<Parameter> batchNormAffine) {
        super(VERSION);
        this.input = input;
        this.outputs = List.copyOf(outputs);
        this.steps = List.copyOf(steps);
        for (Parameter p : parameters) weights.put(p.getName(), addParameter(p));
        this.batchNormAffine.addAll(batchNormAffine);
    }

    /** The tensor this block takes. */
    public String input() {
        return input;
    }

    /** The tensors this block returns, in order. */
    public List<String> outputs() {
        return outputs;
    }

    /** Imported nodes as name → op type, in run order. */
    public Map<String, String> nodes() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Step s : steps) out.put(s.name(), s.opType());
        return out;
    }

    /** Values that training may change (weights, biases, BatchNorm scale and shift unless frozen). */
    public long trainableValues() {
        long n = 0;
        for (Parameter p : weights.values()) if (p.requiresGradient()) n += p.getShape().size();
        return n;
    }

    /** Keeps BatchNormalization's scale and shift at their pretrained values during training. */
    public void freezeBatchNorm() {
        for (Parameter p : batchNormAffine) p.freeze(true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        Map<String, NDArray> values = evaluate(store, inputs.singletonOrThrow(), training);
        NDList out = new NDList(outputs.size());
        for (String name : outputs) out.add(values.get(name));
        return out;
    }

    /** Every tensor the imported nodes compute from {@code x}, by name (the start tensor included). */
    Map<String, NDArray> evaluate(ParameterStore store, NDArray x, boolean training) {
        Device device = x.getDevice();
        Map<String, NDArray> values = new LinkedHashMap<>();
        values.put(input, x);
        for (Step step : steps) {
            NDArray[] in = new NDArray[step.inputs().length];
            for (int i = 0; i < in.length; i++) {
                String name = step.inputs()[i];
                if (name == null) continue;
                Parameter p = weights.get(name);
                in[i] = p != null ? store.getValue(p, device, training) : values.get(name);
                if (in[i] == null) throw new IllegalStateException("tensor " + name + " of node " + step.name() + " was not computed");
            }
            values.put(step.output(), step.kernel().apply(in));
        }
        return values;
    }

    /** Op type of each tensor the imported nodes compute, in run order. */
    Map<String, String> computedTensors() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Step s : steps) out.put(s.output(), s.opType());
        return out;
    }

    /** Output shapes by running zeros of the input shape through the block (it must be initialised). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (weights.values().stream().anyMatch(p -> !p.isInitialized())) {
            throw new IllegalStateException("initialise the imported block before asking its output shapes");
        }
        long[] dims = inputShapes[0].getShape().clone();
        if (dims.length > 0 && dims[0] < 1) dims[0] = 1;
        return TrainedNet.withoutGradients(() -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDList out = forwardInternal(new ParameterStore(manager, false), new NDList(manager.zeros(new Shape(dims))),
                        false, null);
                Shape[] shapes = out.getShapes();
                for (int i = 0; i < shapes.length; i++) {
                    long[] s = shapes[i].getShape().clone();
                    if (s.length > 0 && inputShapes[0].get(0) < 1) s[0] = inputShapes[0].get(0);
                    shapes[i] = new Shape(s);
                }
                return shapes;
            }
        });
    }
}
