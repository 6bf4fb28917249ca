package imvec.spark;

import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.store.Manifest;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One ONNX Runtime session per executor JVM and model: every task of the executor shares it
 * (ORT sessions take concurrent runs), so the weights are loaded once, not once per partition.
 *
 * <p>The model reaches executors as a Spark broadcast of the file's bytes, written once per JVM
 * to a temporary file. {@code SparkContext.addFile} would be the obvious way, but in Spark 4 the
 * tasks of a SQL query see only their session's artifacts, so a file added to the context is
 * never fetched on a standalone cluster (local mode hides this; scripts/spark-cluster-test
 * caught it). The card (the driver's, as JSON) travels with the task, so an executor never
 * looks for files beside the model.
 */
final class ExecutorModels {
    private static final Map<String, OnnxBackbone> OPEN = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /**
     * The backbone for a model, keyed by its SHA-256. {@code threads} is ONNX Runtime's intra-op
     * pool per run: the cores Spark reserved for one task ({@code spark.task.cpus}), since Spark
     * already runs as many tasks at once as the executor has cores for.
     */
    static OnnxBackbone get(String sha256, Broadcast<byte[]> bytes, String fileName, String cardJson, int threads) {
        return OPEN.computeIfAbsent(sha256 + "#" + threads, key -> {
            try {
                ModelCard card = cardJson == null ? null : Manifest.json().readValue(cardJson, ModelCard.class);
                Path dir = Files.createTempDirectory("imvec-model-");
                Path file = dir.resolve(fileName);
                Files.write(file, bytes.value());
                OnnxBackbone b = OnnxBackbone.builder().setModel(file).optCard(card).optIntraOpThreads(threads).build();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    b.close();
                    try {
                        Files.deleteIfExists(file);
                        Files.deleteIfExists(dir);
                    } catch (IOException ignored) {
                        // a temporary file left behind is harmless
                    }
                }, "imvec-close-model"));
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
