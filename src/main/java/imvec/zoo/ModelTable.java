package imvec.zoo;

import com.fasterxml.jackson.annotation.JsonProperty;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.IndexedSubset;
import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.util.UserError;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The comparison table of backbones ("Table I" of the image-embedding studies): per model its
 * file size, parameter count, the size of the chosen feature layer and how long extracting that
 * layer takes per image on this machine.
 *
 * <p>Timing covers inference only, on images decoded and preprocessed beforehand, after one
 * untimed warm-up batch (session creation, JIT), so models are compared on the engine alone.
 */
public final class ModelTable {
    private final int images;
    private final int batch;

    private ModelTable(Builder b) {
        this.images = b.images;
        this.batch = b.batch;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One model's row.
     *
     * @param layerShape  the layer's shape for one image (batch dimension dropped)
     * @param features    values per image in that layer
     * @param msPerImage  inference milliseconds per image, averaged over {@code images}
     */
    public record Row(@JsonProperty("model") String model, @JsonProperty("path") String path,
                      @JsonProperty("file_bytes") long fileBytes, @JsonProperty("parameters") long parameters,
                      @JsonProperty("layer") String layer, @JsonProperty("layer_shape") long[] layerShape,
                      @JsonProperty("features") long features, @JsonProperty("ms_per_image") double msPerImage,
                      @JsonProperty("images") int images, @JsonProperty("batch") int batch, @JsonProperty("cores") int cores) {
    }

    /**
     * Measures one model. {@code card} null means the one stored with the model; {@code layer}
     * null means the card's feature layer; {@code preprocess} maps the opened backbone to its
     * preprocessing (the card's, or one the caller overrides).
     */
    public Row measure(Path modelPath, ModelCard card, String layer, ImageSet data, Function<Backbone, Preprocess> preprocess) {
        try (Backbone model = Backbones.open(modelPath, card)) {
            String chosen = layer != null ? layer : model.card().featureLayer();
            if (chosen == null) {
                throw new UserError(modelPath + " has no default feature layer in its card; name one with --layer.");
            }
            Preprocess pre = preprocess.apply(model);
            ImageTensors t = ImageTensors.load(IndexedSubset.head(data, images), pre, null);
            if (t.n() == 0) throw new UserError(data.spec() + " holds no readable images to time " + modelPath + " on.");
            int per = t.size();
            int b = Math.min(batch, t.n());
            Tensor warm = model.forward(Arrays.copyOf(t.x(), b * per), b, List.of(chosen)).get(chosen);
            long t0 = System.nanoTime();
            for (int from = 0; from < t.n(); from += b) {
                int m = Math.min(b, t.n() - from);
                model.forward(Arrays.copyOfRange(t.x(), from * per, (from + m) * per), m, List.of(chosen));
            }
            double ms = (System.nanoTime() - t0) / 1e6 / t.n();
            long[] shape = Arrays.copyOfRange(warm.shape(), 1, warm.shape().length);
            return new Row(modelPath.getFileName().toString(), modelPath.toString(), ModelSize.weightBytes(modelPath),
                    ModelSize.parameters(model), chosen, shape, warm.rowLength(), ms, t.n(), b,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    /** Options: time on the first 64 images in batches of 16. */
    public static final class Builder {
        private int images = 64;
        private int batch = 16;

        private Builder() {
        }

        public Builder optImages(int images) {
            if (images < 1) throw new UserError("--images must be at least 1, not " + images + ".");
            this.images = images;
            return this;
        }

        public Builder optBatch(int batch) {
            if (batch < 1) throw new UserError("--batch must be at least 1, not " + batch + ".");
            this.batch = batch;
            return this;
        }

        public ModelTable build() {
            return new ModelTable(this);
        }
    }
}
