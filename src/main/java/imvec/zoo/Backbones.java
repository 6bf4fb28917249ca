package imvec.zoo;

import imvec.finetune.TunedBackbone;
import imvec.model.Backbone;
import imvec.model.ModelCard;
import imvec.model.ModelCards;
import imvec.onnx.OnnxBackbone;
import imvec.train.TrainedNet;
import imvec.util.UserError;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model with the engine its path calls for: ONNX Runtime for files, DJL for trained directories. */
public final class Backbones {
    private Backbones() {
    }

    /**
     * @param model an {@code .onnx} file, or a directory written by {@code imvec train}
     * @param card  a card overriding the one stored with the model, or null
     */
    public static Backbone open(Path model, ModelCard card) {
        return open(model, card, 0, 0, 0);
    }

    /**
     * As {@link #open(Path, ModelCard)}, with input channels, height and width (0 where not given)
     * laid over the card of an ONNX model, so a graph with an open input size runs without a card.
     * Models trained by imvec have a fixed input and ignore them.
     */
    public static Backbone open(Path model, ModelCard card, int channels, int height, int width) {
        if (!Files.exists(model)) throw new UserError("model " + model + " does not exist.");
        if (Files.isDirectory(model) && TunedBackbone.isTunedDirectory(model)) return TunedBackbone.load(model);
        if (Files.isDirectory(model)) return TrainedNet.load(model);
        return OnnxBackbone.builder().setModel(model).optCard(card).optInputSize(channels, height, width).build();
    }

    public static ModelCard readCard(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("model card " + file + " does not exist.");
        return ModelCards.read(file);
    }
}
