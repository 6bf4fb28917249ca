package imvec.cli;

import imvec.data.NameList;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.spatial.SpatialTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", description = "Train a spatial (or pooled baseline) head on a frozen backbone's conv map.")
final class SpatialTrainCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--data", required = true, description = "Training scenes (any data spec).")
    String data;

    @Option(names = "--backbone", defaultValue = "../shared/data/imagenet-models/mobilenet-v1-0.75-224.onnx",
            description = "ONNX model or trained imvec CNN directory (default: ${DEFAULT-VALUE}).")
    Path backbone;

    @Option(names = "--tap", defaultValue = "conv_pw_13_relu", description = "Spatial layer the head reads (default: ${DEFAULT-VALUE}).")
    String tap;

    @Option(names = "--size", defaultValue = "0", description = "Input size for an ONNX backbone, e.g. 448 for 2×2 mosaics (default: the card's).")
    int size;

    @Option(names = "--words", required = true, description = "Word vectors file.")
    Path words;

    @Option(names = "--names", description = "TSV of class id → names (e.g. ImageNet synsets).")
    Path names;

    @Option(names = "--unseen", description = "File of unseen class names, one a line: never trained on.")
    Path unseen;

    @Option(names = "--head", defaultValue = "spatial", description = "spatial or pooled (the baseline).")
    String head;

    @Option(names = "--blocks", defaultValue = "5", description = "k, embedding blocks per location (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--seed", defaultValue = "42")
    int seed;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SpatialTraining training = SpatialTraining.builder().optKind(head).optBlocks(blocks).optEpochs(epochs).optSeed(seed).build();
        List<String> unseenNames = unseen == null ? List.of() : NameList.read(unseen, "list of unseen classes");
        SpatialRun run;
        try (ProgressBar maps = common.progress("maps"); ProgressBar train = common.progress("train")) {
            run = SpatialJob.train(data, new SpatialJob.Tap(backbone, tap, size), words, names, unseenNames, training,
                    d -> maps.update(d, d), (done, total, loss) -> train.update(done, total));
        }
        run.save(out);
        Map<String, Object> s = new LinkedHashMap<>(run.info());
        s.put("out", out.toString());
        if (common.json) {
            common.printJson(s);
            return 0;
        }
        System.out.println("Trained a " + head + " head on " + run.info().get("scenes_trained") + " scenes ("
                + run.info().get("scenes_left_out") + " left out for unseen classes); epoch losses " + run.info().get("epoch_losses") + ".");
        List<?> dropped = (List<?>) run.info().get("no_word_vector");
        if (!dropped.isEmpty()) common.warn("no word vector, dropped: " + dropped);
        System.out.println("Wrote " + out + ".");
        return 0;
    }
}
