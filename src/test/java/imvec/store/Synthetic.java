package imvec.store;

import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.UnreadableImageException;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;

import java.nio.file.Path;
import java.util.*;

/** Small deterministic stand-ins for a dataset and a model, so the store is tested alone. */
public final class Synthetic {
    private Synthetic() {
    }

    /** {@code n} 4×4 RGB images with 3 classes; images listed in {@code broken} fail to decode. */
    public static ImageSet images(int n, Set<Integer> broken) {
        return new ImageSet() {
            public String spec() { return "synthetic:" + n; }
            public int size() { return n; }
            public List<String> classes() { return List.of("a", "b", "c"); }
            public int label(int i) { return i % 3; }
            public String id(int i) { return "img-" + i; }
            public Image read(int i) throws UnreadableImageException {
                if (broken.contains(i)) throw new UnreadableImageException(id(i), "corrupt on purpose");
                byte[] px = new byte[4 * 4 * 3];
                Random r = new Random(i);
                r.nextBytes(px);
                return new Image(4, 4, 3, px);
            }
        };
    }

    /** A "model" with a 2×4×4 map (scaled input) and a 3-way softmax over channel means. */
    public static Backbone model(long sleepMillisPerBatch) {
        return new Backbone() {
            public List<LayerInfo> layers() {
                return List.of(new LayerInfo("maps", "Mul", new long[]{-1, 2, 4, 4}),
                        new LayerInfo("probabilities", "Softmax", new long[]{-1, 3}));
            }
            public ModelCard card() {
                return new ModelCard("input", 3, 4, 4, "stretch", new float[]{0}, new float[]{1}, null,
                        List.of("a", "b", "c"), "probabilities", "maps", null, "test", null);
            }
            public Path path() { return Path.of("synthetic.model"); }
            public String sha256() { return "0".repeat(64); }
            public Map<String, Tensor> forward(float[] x, int n, List<String> names) {
                sleep(sleepMillisPerBatch);
                Map<String, Tensor> out = new HashMap<>();
                float[] maps = new float[n * 32];
                float[] probs = new float[n * 3];
                for (int i = 0; i < n; i++) {
                    double[] mean = new double[3];
                    for (int c = 0; c < 3; c++) for (int k = 0; k < 16; k++) mean[c] += x[i * 48 + c * 16 + k] / 16;
                    for (int k = 0; k < 16; k++) {
                        maps[i * 32 + k] = x[i * 48 + k] * 2;
                        maps[i * 32 + 16 + k] = x[i * 48 + 16 + k] - x[i * 48 + 32 + k];
                    }
                    double z = 0;
                    for (int c = 0; c < 3; c++) z += Math.exp(mean[c] * 5);
                    for (int c = 0; c < 3; c++) probs[i * 3 + c] = (float) (Math.exp(mean[c] * 5) / z);
                }
                if (names.contains("maps")) out.put("maps", new Tensor(new long[]{n, 2, 4, 4}, maps));
                if (names.contains("probabilities")) out.put("probabilities", new Tensor(new long[]{n, 3}, probs));
                return out;
            }
            public void close() { }
        };
    }

    public static void sleep(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Extractor.Builder extractor(ImageSet data, Backbone model) {
        return Extractor.builder().setData(data).setBackbone(model)
                .setPreprocess(imvec.data.Preprocess.builder().setSize(4, 4).build())
                .setLayers(List.of(LayerRequest.parse("input", Pool.AVG), LayerRequest.parse("maps", Pool.AVG),
                        LayerRequest.parse("probabilities", Pool.AVG)))
                .optTopK(2).optBatchSize(8).optChunkSize(16);
    }

    /** Entry point for the kill -9 test: extracts slowly into args[0]. */
    public static void main(String[] args) throws Exception {
        extractor(images(Integer.parseInt(args[1]), Set.of(5)), model(Long.parseLong(args[2]))).build().run(Path.of(args[0]));
    }
}
