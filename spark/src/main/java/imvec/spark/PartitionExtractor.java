package imvec.spark;

import imvec.data.Images;
import imvec.data.Preprocess;
import imvec.data.UnreadableImageException;
import imvec.extract.LayerRequest;
import imvec.extract.TopK;
import imvec.model.Backbone;
import imvec.model.Tensor;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What every Spark task runs on its partition: decode and preprocess each image as
 * {@code imvec extract} does, run the backbone batch by batch, pool the layers and take the
 * top k. Rows go out as the batches finish, so a partition never sits in memory whole. An
 * image that does not decode becomes a row with its reason in {@code error} and no vectors.
 * Input rows are {@code (id, label, class_index, content)} by position (rows reaching a partition
 * function carry no schema); output rows follow {@link SparkSchema}.
 */
final class PartitionExtractor implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final String modelSha256;
    private final Broadcast<byte[]> modelBytes;
    private final String modelFile;
    private final String cardJson;
    private final Preprocess preprocess;
    private final List<LayerRequest> layers;
    private final String topKLayer;
    private final int topK;
    private final int batchSize;
    private final int threads;

    PartitionExtractor(String modelSha256, Broadcast<byte[]> modelBytes, String modelFile, String cardJson, Preprocess preprocess, List<LayerRequest> layers, String topKLayer,
                       int topK, int batchSize, int threads) {
        this.modelSha256 = modelSha256;
        this.modelBytes = modelBytes;
        this.modelFile = modelFile;
        this.cardJson = cardJson;
        this.preprocess = preprocess;
        this.layers = List.copyOf(layers);
        this.topKLayer = topKLayer;
        this.topK = topK;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Iterator<>() {
            private Iterator<Row> pending = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!pending.hasNext() && input.hasNext()) pending = nextBatch(input).iterator();
                return pending.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return pending.next();
            }
        };
    }

    /** Reads up to one batch of input rows and returns their output rows, in input order. */
    private List<Row> nextBatch(Iterator<Row> input) {
        int per = preprocess.size();
        List<Row> in = new ArrayList<>(batchSize);
        String[] errors = new String[batchSize];
        float[] pixels = new float[batchSize * per];
        int ok = 0;
        while (in.size() < batchSize && input.hasNext()) {
            Row r = input.next();
            try {
                // Decoded as extract decodes (a JPEG at the DCT scale the model size allows), so rows match it.
                preprocess.apply(Images.decode((byte[]) r.get(3), r.getString(0), preprocess.width(), preprocess.height()), pixels, ok * per);
                ok++;
            } catch (UnreadableImageException e) {
                errors[in.size()] = e.getMessage();
            }
            in.add(r);
        }
        Map<String, Tensor> out = ok == 0 ? Map.of() : forward(Arrays.copyOf(pixels, ok * per), ok);
        List<float[]> pooled = new ArrayList<>();
        for (LayerRequest l : layers) pooled.add(ok == 0 ? null : l.pool().apply(out.get(l.name())));
        TopK.Rows top = topK > 0 && ok > 0 ? TopK.of(out.get(topKLayer), topK) : null;

        List<Row> rows = new ArrayList<>(in.size());
        int at = 0;
        for (int i = 0; i < in.size(); i++) {
            Row r = in.get(i);
            Object[] values = new Object[4 + layers.size() + (topK > 0 ? 2 : 0)];
            values[0] = r.getString(0);
            values[1] = r.getString(1);
            values[2] = r.getInt(2);
            values[3] = errors[i];
            if (errors[i] == null) {
                for (int l = 0; l < layers.size(); l++) values[4 + l] = row(pooled.get(l), at, ok);
                if (top != null) {
                    values[4 + layers.size()] = boxed(Arrays.copyOfRange(top.indices(), at * topK, (at + 1) * topK));
                    values[5 + layers.size()] = boxed(Arrays.copyOfRange(top.probs(), at * topK, (at + 1) * topK));
                }
                at++;
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    private Map<String, Tensor> forward(float[] pixels, int n) {
        List<String> names = new ArrayList<>();
        for (LayerRequest l : layers) if (!l.name().equals(LayerRequest.INPUT)) names.add(l.name());
        if (topK > 0 && !names.contains(topKLayer)) names.add(topKLayer);
        Map<String, Tensor> out = new java.util.HashMap<>();
        if (!names.isEmpty()) {
            Backbone model = ExecutorModels.get(modelSha256, modelBytes, modelFile, cardJson, threads());
            out.putAll(model.forward(pixels, n, names));
        }
        out.put(LayerRequest.INPUT, new Tensor(new long[]{n, preprocess.channels(), preprocess.height(), preprocess.width()}, pixels));
        return out;
    }

    /** ONNX Runtime's threads for this task: as asked, else the cores Spark reserved for it. */
    private int threads() {
        if (threads > 0) return threads;
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }

    /** Row {@code i} of a row-major batch of {@code n} pooled vectors. */
    private static Float[] row(float[] pooled, int i, int n) {
        int width = pooled.length / n;
        return boxed(Arrays.copyOfRange(pooled, i * width, (i + 1) * width));
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    private static Integer[] boxed(int[] v) {
        Integer[] out = new Integer[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
