package imvec.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An imported ONNX tail followed by a new dense classification head: start tensor → tail's
 * feature output (flattened when it is a map) → logits. What {@link FineTuning} trains.
 */
final class TunedNet extends AbstractBlock {
    private static final byte VERSION = 1;

    private final ImportedBlock tail;
    private final Linear head;

    TunedNet(ImportedBlock tail, int classes) {
        super(VERSION);
        if (tail.outputs().size() != 1) {
            throw new IllegalArgumentException("the tail must return one feature tensor, not " + tail.outputs());
        }
        this.tail = addChildBlock("tail", tail);
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    ImportedBlock tail() {
        return tail;
    }

    Linear head() {
        return head;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return head.forward(store, new NDList(features(store, inputs, training)), training);
    }

    /** The tail's output as rows: {@code [N, D]}. */
    NDArray features(ParameterStore store, NDList inputs, boolean training) {
        NDArray f = tail.forward(store, inputs, training).singletonOrThrow();
        return f.getShape().dimension() > 2 ? f.reshape(f.getShape().get(0), -1) : f;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        tail.initialize(manager, dataType, inputShapes);
        Shape f = tail.getOutputShapes(inputShapes)[0];
        head.initialize(manager, dataType, new Shape(f.get(0), f.slice(1).size()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape f = tail.getOutputShapes(inputShapes)[0];
        return head.getOutputShapes(new Shape[] {new Shape(f.get(0), f.slice(1).size())});
    }
}
