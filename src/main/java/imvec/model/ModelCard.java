package imvec.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What a user needs to feed a model correctly and name its outputs; stored as JSON beside the
 * model ({@code model.onnx.json}, or {@code card.json} in a trained model's directory).
 *
 * @param input        name of the graph input
 * @param channels     1 (grey) or 3 (RGB)
 * @param height       input height in pixels
 * @param width        input width in pixels
 * @param resize       {@code stretch} or {@code crop} (shorter side to size, then centre crop)
 * @param mean         per-channel mean subtracted after scaling to [0,1]
 * @param std          per-channel standard deviation divided after subtracting the mean
 * @param classesFile  file with one class name per line in output order, relative to the card
 * @param classes      the class names themselves (wins over classesFile when both are set)
 * @param outputLayer  the classifier's probability (or logit) output
 * @param featureLayer default layer for feature extraction
 * @param licence      licence of the weights
 * @param source       where the weights came from
 * @param sampling     bilinear sampling grid: {@code half-pixel} (default) or {@code asymmetric}
 *                     (TensorFlow's legacy resize, which Keras/tfjs models were evaluated with)
 * @param classOrder   how the output indices are ordered, in words (e.g. ImageNet synsets sorted),
 *                     so a class file can be checked against it by a person
 * @param url          where the weights were downloaded from, when imvec fetched them
 * @param sha256       SHA-256 of the {@code .onnx} file the card was written for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
        @JsonProperty("input") String input,
        @JsonProperty("channels") int channels,
        @JsonProperty("height") int height,
        @JsonProperty("width") int width,
        @JsonProperty("resize") String resize,
        @JsonProperty("mean") float[] mean,
        @JsonProperty("std") float[] std,
        @JsonProperty("classes_file") String classesFile,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("output_layer") String outputLayer,
        @JsonProperty("feature_layer") String featureLayer,
        @JsonProperty("licence") String licence,
        @JsonProperty("source") String source,
        @JsonProperty("sampling") String sampling,
        @JsonProperty("class_order") String classOrder,
        @JsonProperty("url") String url,
        @JsonProperty("sha256") String sha256) {

    /** A card without download provenance or class-order note (cards written before those fields). */
    public ModelCard(String input, int channels, int height, int width, String resize, float[] mean, float[] std,
                     String classesFile, List<String> classes, String outputLayer, String featureLayer,
                     String licence, String source, String sampling) {
        this(input, channels, height, width, resize, mean, std, classesFile, classes, outputLayer, featureLayer,
                licence, source, sampling, null, null, null);
    }

    /** This card with {@code classes} loaded (e.g. from {@code classes_file}). */
    public ModelCard withClasses(List<String> names) {
        return new ModelCard(input, channels, height, width, resize, mean, std, classesFile, names, outputLayer,
                featureLayer, licence, source, sampling, classOrder, url, sha256);
    }

    /** This card with the input's channels, height and width replaced where given (0 keeps the card's). */
    public ModelCard withInputSize(int channels, int height, int width) {
        return new ModelCard(input, channels > 0 ? channels : this.channels, height > 0 ? height : this.height,
                width > 0 ? width : this.width, resize, mean, std, classesFile, classes, outputLayer,
                featureLayer, licence, source, sampling, classOrder, url, sha256);
    }

    /**
     * The preprocessing this card asks for, as a builder so flags can still override parts.
     * A card without a size leaves it unset (the caller must set it).
     */
    public imvec.data.Preprocess.Builder preprocessing() {
        imvec.data.Preprocess.Builder b = imvec.data.Preprocess.builder();
        if (channels > 0) b.setChannels(channels);
        if (height > 0 && width > 0) b.setSize(height, width);
        if (resize != null) b.optResize(imvec.data.Preprocess.Resize.parse(resize));
        if (mean != null) b.optMean(mean);
        if (std != null) b.optStd(std);
        if (sampling != null) b.optSampling(imvec.data.Preprocess.Sampling.parse(sampling));
        return b;
    }
}
