package imvec.finetune;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import imvec.model.Tensor;
import imvec.train.TrainedNet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An {@link ImportedBlock} with its weights loaded, ready to run on float tensors (inference only). */
public final class ImportedNet implements AutoCloseable {
    private final Model model;
    private final ImportedBlock block;

    private ImportedNet(ImportedBlock block) {
        this.block = block;
        this.model = Model.newInstance("imported", Device.cpu(), "PyTorch");
        model.setBlock(block);
    }

    /** Loads the block's weights; {@code itemShape} is the start tensor's shape without the batch axis. */
    public static ImportedNet of(ImportedBlock block, long[] itemShape) {
        ImportedNet net = new ImportedNet(block);
        block.initialize(net.model.getNDManager(), DataType.FLOAT32, batchShape(1, itemShape));
        return net;
    }

    static Shape batchShape(long n, long[] itemShape) {
        long[] dims = new long[itemShape.length + 1];
        dims[0] = n;
        System.arraycopy(itemShape, 0, dims, 1, itemShape.length);
        return new Shape(dims);
    }

    public ImportedBlock block() {
        return block;
    }

    /** The block's outputs for a batch of the start tensor, by output name. */
    public synchronized Map<String, Tensor> forward(Tensor x) {
        return TrainedNet.withoutGradients(() -> {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDList out = block.forward(new ParameterStore(manager, false),
                        new NDList(manager.create(x.data(), new Shape(x.shape()))), false);
                Map<String, Tensor> result = new LinkedHashMap<>();
                List<String> names = block.outputs();
                for (int i = 0; i < names.size(); i++) result.put(names.get(i), tensor(out.get(i)));
                return result;
            }
        });
    }

    static Tensor tensor(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        return new Tensor(f.getShape().getShape(), f.toFloatArray());
    }

    @Override
    public void close() {
        model.close();
    }
}
