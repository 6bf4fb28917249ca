package imvec.cli;

import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.zoo.Backbones;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "layers", description = "List every tensor of a model that extract can tap.")
final class LayersCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--model", required = true, description = "An .onnx file or a model directory made by `imvec train`.")
    Path model;

    @Override
    public Integer call() {
        try (Backbone b = Backbones.open(model, null)) {
            List<LayerInfo> layers = b.layers();
            if (common.json) {
                common.printJson(Map.of("model", model.toString(), "sha256", b.sha256(),
                        "layers", layers.stream().map(l -> Map.of("name", l.name(), "op", l.opType(), "shape", l.shape())).toList()));
                return 0;
            }
            int w = layers.stream().mapToInt(l -> l.name().length()).max().orElse(4);
            int o = layers.stream().mapToInt(l -> l.opType().length()).max().orElse(2);
            System.out.printf("%-" + w + "s  %-" + o + "s  %s%n", "layer", "op", "shape");
            for (LayerInfo l : layers) System.out.printf("%-" + w + "s  %-" + o + "s  %s%n", l.name(), l.opType(), l.shapeText());
            System.out.printf("%d tappable tensors in %s (plus the pseudo-layer 'input': the preprocessed pixels)%n", layers.size(), model);
            return 0;
        }
    }
}
