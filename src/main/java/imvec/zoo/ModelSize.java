package imvec.zoo;

import imvec.model.Backbone;
import imvec.onnx.OnnxBackbone;
import imvec.train.TrainedNet;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How big a model is: the bytes of its weights (the .onnx file, or a trained directory's
 * parameter file) and its parameter count. Model tables and run comparisons both report these.
 */
public record ModelSize(long bytes, long parameters) {

    /** The size of the model at {@code model}, or null when it is neither an .onnx file nor a trained directory. */
    public static ModelSize of(Path model) {
        if (model.toString().endsWith(".onnx") && Files.isRegularFile(model)) {
            return new ModelSize(bytes(model), OnnxBackbone.parameterCount(model));
        }
        Path params = model.resolve(TrainedNet.PARAMS_FILE);
        if (Files.isRegularFile(params)) {
            try (TrainedNet net = TrainedNet.load(model)) {
                return new ModelSize(bytes(params), parameters(net));
            }
        }
        return null;
    }

    /** Parameter count of an opened backbone, or -1 for an engine that cannot say. */
    public static long parameters(Backbone model) {
        if (model instanceof OnnxBackbone onnx) return onnx.parameterCount();
        if (model instanceof TrainedNet net) return net.parameterValues().stream().mapToLong(v -> v.length).sum();
        return -1;
    }

    /** Bytes of the weights of {@code model}: the .onnx file, or a trained directory's parameter file. */
    public static long weightBytes(Path model) {
        return bytes(Files.isDirectory(model) ? model.resolve(TrainedNet.PARAMS_FILE) : model);
    }

    private static long bytes(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UserError("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }
}
