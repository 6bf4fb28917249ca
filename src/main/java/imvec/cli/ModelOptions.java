package imvec.cli;

import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.ModelCard;
import imvec.util.UserError;
import imvec.zoo.Backbones;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** --model and the preprocessing flags that override its card. */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "An .onnx file (card read from FILE.json beside it) or a model directory from `imvec train`.")
    Path model;

    @Option(names = "--card", description = "Model card JSON to use instead of the one beside the model.")
    Path card;

    @Option(names = "--size", description = "Input size: S or HxW (default: from the card or the graph).")
    String size;

    @Option(names = "--mean", split = ",", description = "Per-channel mean after scaling to [0,1].")
    float[] mean;

    @Option(names = "--std", split = ",", description = "Per-channel std.")
    float[] std;

    @Option(names = "--resize", description = "stretch or crop (shorter side, then centre crop).")
    String resize;

    @Option(names = "--sampling", description = "half-pixel (default) or asymmetric (TensorFlow's legacy bilinear).")
    String sampling;

    @Option(names = "--channels", description = "1 or 3 (default: from the card or the graph).")
    Integer channels;

    /** The model, with --channels and --size laid over its card (they are all a graph with an open input size needs). */
    Backbone open() {
        int[] hw = size == null ? new int[2] : heightWidth();
        return Backbones.open(model, card == null ? null : Backbones.readCard(card), channels == null ? 0 : channels, hw[0], hw[1]);
    }

    private int[] heightWidth() {
        String[] hw = size.toLowerCase().split("x");
        try {
            int h = Integer.parseInt(hw[0].trim());
            int w = hw.length > 1 ? Integer.parseInt(hw[1].trim()) : h;
            if (h <= 0 || w <= 0 || hw.length > 2) throw new NumberFormatException();
            return new int[] {h, w};
        } catch (NumberFormatException e) {
            throw new UserError("--size takes S or HxW with positive sizes, not '" + size + "'.");
        }
    }

    /** The card's preprocessing with any flags given on the command line laid over it. */
    Preprocess preprocess(Backbone b) {
        ModelCard c = b.card();
        Preprocess.Builder p = c != null ? c.preprocessing() : Preprocess.builder();
        if (size != null) {
            int[] hw = heightWidth();
            p.setSize(hw[0], hw[1]);
        } else if (c == null || c.height() <= 0 || c.width() <= 0) {
            throw new UserError(model + " does not say its input size; pass --size.");
        }
        if (channels != null) p.setChannels(channels);
        if (mean != null) p.optMean(mean);
        if (std != null) p.optStd(std);
        if (resize != null) p.optResize(Preprocess.Resize.parse(resize));
        if (sampling != null) p.optSampling(Preprocess.Sampling.parse(sampling));
        return p.build();
    }

    static List<String> readLines(Path file) {
        return imvec.model.ClassLists.read(file);
    }

}
