package imvec.cli;

import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.Backbones;
import imvec.model.ModelCard;
import imvec.util.UserError;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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

    Backbone open() {
        return Backbones.open(model, card == null ? null : Backbones.readCard(card));
    }

    Preprocess preprocess(Backbone b) {
        ModelCard c = b.card();
        int h = c == null ? 0 : c.height(), w = c == null ? 0 : c.width();
        if (size != null) {
            String[] p = size.toLowerCase().split("x");
            try {
                h = Integer.parseInt(p[0].trim());
                w = p.length > 1 ? Integer.parseInt(p[1].trim()) : h;
            } catch (NumberFormatException e) {
                throw new UserError("--size takes S or HxW, not '" + size + "'.");
            }
        }
        if (h <= 0 || w <= 0) throw new UserError(model + " does not say its input size; pass --size.");
        int ch = channels != null ? channels : c != null && c.channels() > 0 ? c.channels() : 3;
        Preprocess.Builder p = Preprocess.builder().setSize(h, w).setChannels(ch);
        float[] m = mean != null ? mean : c != null ? c.mean() : null;
        float[] s = std != null ? std : c != null ? c.std() : null;
        if (m != null) p.optMean(m);
        if (s != null) p.optStd(s);
        String r = resize != null ? resize : c != null ? c.resize() : null;
        if (r != null) p.optResize(Preprocess.Resize.parse(r));
        if (sampling != null) {
            p.optSampling(switch (sampling) {
                case "half-pixel" -> Preprocess.Sampling.HALF_PIXEL;
                case "asymmetric" -> Preprocess.Sampling.ASYMMETRIC;
                default -> throw new UserError("--sampling takes half-pixel or asymmetric, not '" + sampling + "'.");
            });
        }
        return p.build();
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return model + " " + Arrays.toString(mean);
    }
}
