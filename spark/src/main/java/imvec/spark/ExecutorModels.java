package imvec.spark;

import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.store.Manifest;
import org.apache.spark.SparkFiles;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ONNX Runtime session per executor JVM and model: every task of the executor shares it
 * (ORT sessions take concurrent runs), so the weights are loaded once, not once per partition.
 * The model file is the one the driver shipped with {@code SparkContext.addFile}; its card (the
 * driver's, as JSON) travels with the task, so an executor never looks for files beside the model.
 */
final class ExecutorModels {
    private static final Map<String, OnnxBackbone> OPEN = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * The backbone for a shipped file name. {@code threads} is ONNX Runtime's intra-op pool per run:
     * Spark already runs one task per core, so one thread each keeps the cores from being oversubscribed.
     */
    static OnnxBackbone get(String shippedName, String cardJson, int threads) {
        return OPEN.computeIfAbsent(shippedName + "#" + threads, key -> {
            ModelCard card;
            try {
                card = cardJson == null ? null : Manifest.json().readValue(cardJson, ModelCard.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            OnnxBackbone b = OnnxBackbone.builder().setModel(Path.of(SparkFiles.get(shippedName)))
                    .optCard(card).optIntraOpThreads(threads).build();
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "imvec-close-model"));
            return b;
        });
    }
}
