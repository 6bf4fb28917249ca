package imvec.store;

import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.Preprocess;
import imvec.data.Subset;
import imvec.model.Backbone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Extraction speed: the whole pipeline (decode, preprocess, inference, store) against the
 * engine alone on tensors decoded beforehand, same model, layers, batch size and images.
 * Their ratio shows how well decoding hides behind inference.
 */
public final class ExtractBench {
    private ExtractBench() {
    }

    public record Result(int images, int batch, int cores, List<String> layers,
                         double endToEndSeconds, double endToEndImagesPerSecond,
                         double rawSeconds, double rawImagesPerSecond, double ratio) {
    }

    public static Result run(ImageSet data, Backbone model, Preprocess pre, List<LayerRequest> layers,
                             int images, int batch, Extractor.Listener listener) throws IOException {
        ImageSet subset = Subset.head(data, images);
        List<String> names = layers.stream().map(LayerRequest::name).filter(n -> !n.equals(LayerRequest.INPUT)).toList();
        warmUp(model, pre, names, batch);

        Path tmp = Files.createTempDirectory("imvec-bench-");
        try {
            long t0 = System.nanoTime();
            Extractor.Result r = Extractor.builder().setData(subset).setBackbone(model).setPreprocess(pre)
                    .setLayers(layers).optBatchSize(batch).optChunkSize(Math.max(batch, 512))
                    .optListener(listener).build().run(tmp.resolve("run"));
            double e2e = (System.nanoTime() - t0) / 1e9;

            ImageTensors t = ImageTensors.load(subset, pre, null);
            double raw = timeForward(model, t, names, batch);
            int n = r.rows();
            return new Result(n, batch, Runtime.getRuntime().availableProcessors(),
                    layers.stream().map(LayerRequest::name).toList(), e2e, n / e2e, raw, t.n() / raw, (n / e2e) / (t.n() / raw));
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** One batch through the engine first, so session creation and JIT are not timed. */
    private static void warmUp(Backbone model, Preprocess pre, List<String> names, int batch) {
        if (!names.isEmpty()) model.forward(new float[batch * pre.size()], batch, names);
    }

    private static double timeForward(Backbone model, ImageTensors t, List<String> names, int batch) {
        int per = t.size();
        List<float[]> batches = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int a = 0; a < t.n(); a += batch) {
            int m = Math.min(batch, t.n() - a);
            float[] b = new float[m * per];
            System.arraycopy(t.x(), a * per, b, 0, m * per);
            batches.add(b);
            sizes.add(m);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < batches.size(); i++) {
            if (!names.isEmpty()) model.forward(batches.get(i), sizes.get(i), names);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
