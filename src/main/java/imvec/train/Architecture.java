package imvec.train;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A network layout {@link TrainedNet} can build: the input it expects and its named layers up to
 * the logits for a given number of classes. A softmax {@code probabilities} layer is appended by
 * {@link TrainedNet}, because the loss is computed from the logits.
 *
 * @param name         registry key, e.g. {@code fm-cnn}
 * @param description  one line for {@code --help} and reports
 * @param channels     input channels (1 grey, 3 RGB)
 * @param height       input height in pixels
 * @param width        input width in pixels
 * @param featureLayer the layer that serves as the image embedding by default
 * @param layers       builds fresh, uninitialised blocks for {@code k} classes
 */
public record Architecture(String name, String description, int channels, int height, int width,
                           String featureLayer, IntFunction<List<NamedBlock>> layers) {

    public List<NamedBlock> newLayers(int classes) {
        return layers.apply(classes);
    }
}
