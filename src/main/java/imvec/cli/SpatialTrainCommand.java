package imvec.cli;

import imvec.spatial.Conse;
import imvec.util.UserError;
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

@Command(name = "train", description = "Train a spatial (or pooled baseline) head on a frozen backbone's conv map, or record a ConSE baseline (--head conse: the backbone's own classifier, nothing trained).")
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

    @Option(names = "--card", description = "Model card of an ONNX backbone (preprocessing, class list, output layer; ConSE needs the classes), e.g. cards/mobilenet-v1-0.75-224.json.")
    Path card;

    @Option(names = "--words", required = true, description = "Word vectors file.")
    Path words;

    @Option(names = "--names", description = "TSV of class id → names (e.g. ImageNet synsets).")
    Path names;

    @Option(names = "--unseen", description = "File of unseen class names, one a line: never trained on.")
    Path unseen;

    @Option(names = "--head", defaultValue = "spatial", description = "spatial, pooled (the prior approach) or conse (ConSE, Norouzi et al. 2014).")
    String head;

    @Option(names = "--top", defaultValue = "10", description = "ConSE's T: the most probable seen classes combined (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--blocks", defaultValue = "5", description = "k, embedding blocks per location (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--tune-from", paramLabel = "TENSOR", description = "Also train the backbone after this tensor (ONNX backbones; spatial and pooled heads), e.g. conv_dw_13_relu, the input of MobileNet's last pointwise block.")
    String tuneFrom;

    @Option(names = "--tune-lr", defaultValue = "3e-4", description = "Peak learning rate of the tuned backbone tail, on the head's one-cycle schedule (default: ${DEFAULT-VALUE}; the head's is 3e-3).")
    double tuneLearningRate;

    @Option(names = "--seed", defaultValue = "42")
    int seed;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> unseenNames = unseen == null ? List.of() : NameList.read(unseen, "list of unseen classes");
        SpatialJob.Tap where = new SpatialJob.Tap(backbone, tap, size, card);
        if (Conse.KIND.equals(head)) {
            if (tuneFrom != null) throw new UserError("--tune-from trains the backbone under a trained head, and ConSE trains nothing; use --head spatial or pooled.");
            return conse(where, unseenNames);
        }
        SpatialTraining training = SpatialTraining.builder().optKind(head).optBlocks(blocks).optEpochs(epochs).optSeed(seed)
                .optTuneFrom(tuneFrom).optTuneLearningRate(tuneLearningRate).build();
        SpatialRun run;
        try (ProgressBar maps = common.progress("maps"); ProgressBar train = common.progress("train")) {
            run = SpatialJob.train(data, where, words, names, unseenNames, training,
                    d -> maps.update(d, d), (done, total, loss) -> train.update(done, total));
        }
        run.save(out);
        Map<String, Object> s = new LinkedHashMap<>(run.info());
        s.put("out", out.toString());
        if (common.json) {
            common.printJson(s);
            return 0;
        }
        if (tuneFrom != null) {
            System.out.println("Tuned the backbone after '" + tuneFrom + "' with it: " + run.info().get("tuned_values") + " values in "
                    + ((List<?>) run.info().get("tuned_parameters")).size() + " parameters, peak rate " + tuneLearningRate + ".");
        }
        System.out.println("Trained a " + head + " head on " + run.info().get("scenes_trained") + " scenes ("
                + run.info().get("scenes_left_out") + " left out for unseen classes); epoch losses " + run.info().get("epoch_losses") + ".");
        List<?> dropped = (List<?>) run.info().get("no_word_vector");
        if (!dropped.isEmpty()) common.warn("no word vector, dropped: " + dropped);
        System.out.println("Wrote " + out + ".");
        return 0;
    }

    private int conse(SpatialJob.Tap where, List<String> unseenNames) throws Exception {
        Map<String, Object> info = SpatialJob.conse(data, where, words, names, unseenNames, top);
        SpatialRun.saveInfo(out, info);
        Map<String, Object> s = new LinkedHashMap<>(info);
        s.remove("classes");
        s.put("classifier_classes", ((List<?>) info.get("classes")).size());
        s.put("out", out.toString());
        if (common.json) {
            common.printJson(s);
            return 0;
        }
        System.out.println("ConSE over " + ((List<?>) info.get("seen")).size() + " seen classes of " + data + " with T = " + top
                + ", from the " + ((List<?>) info.get("classes")).size() + " classes of " + backbone.getFileName() + " ('" + info.get("output_layer") + "').");
        List<?> dropped = (List<?>) info.get("no_word_vector");
        if (!dropped.isEmpty()) common.warn("no word vector, dropped: " + dropped);
        List<?> missing = (List<?>) info.get("seen_not_in_classifier");
        if (!missing.isEmpty()) common.warn(missing.size() + " seen classes are not classes of the classifier and never get weight: " + missing);
        System.out.println("Wrote " + out + ".");
        return 0;
    }
}
