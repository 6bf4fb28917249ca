package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.Subset;
import imvec.model.Backbone;
import imvec.model.Training;
import imvec.store.ExtractBench;
import imvec.store.LayerRequest;
import imvec.store.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Measure speed on this machine.",
        subcommands = {BenchCommand.Extract.class, BenchCommand.Train.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("imvec: say what to measure: `imvec bench extract …` or `imvec bench train …`.");
        return 2;
    }

    @Command(name = "extract", description = "End-to-end extraction images/s (decode + preprocess + inference + store) beside the engine's raw rate on pre-decoded tensors.")
    static final class Extract implements Callable<Integer> {
        @Mixin
        Common common;

        @Mixin
        ModelOptions modelOptions;

        @Option(names = "--data", required = true, description = "Dataset spec.")
        String data;

        @Option(names = "--layers", split = ",", description = "Layers to tap (default: the card's output layer).")
        List<String> layers;

        @Option(names = "--images", defaultValue = "512", description = "Images to time (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() throws Exception {
            ImageSet set = DataSpecs.open(data, null);
            try (Backbone model = modelOptions.open(); ProgressBar bar = common.progress("bench")) {
                List<String> names = layers != null ? layers : List.of(model.card().outputLayer());
                ExtractBench.Result r = ExtractBench.run(set, model, modelOptions.preprocess(model),
                        LayerRequest.parseAll(names, Pool.AVG, model), images, batch, bar::update);
                bar.close();
                if (common.json) {
                    common.printJson(r);
                } else {
                    System.out.printf(Locale.ROOT, "%d images, batch %d, %d cores, layers %s%n", r.images(), r.batch(), r.cores(), r.layers());
                    System.out.printf(Locale.ROOT, "  end to end : %8.1f images/s (%.2f s)%n", r.endToEndImagesPerSecond(), r.endToEndSeconds());
                    System.out.printf(Locale.ROOT, "  engine only: %8.1f images/s (%.2f s)%n", r.rawImagesPerSecond(), r.rawSeconds());
                    System.out.printf(Locale.ROOT, "  ratio      : %8.3f%n", r.ratio());
                    System.out.printf(Locale.ROOT, "  decode only: %8.1f images/s (%.2f s, decode and preprocess on all cores)%n",
                            r.decodeImagesPerSecond(), r.decodeSeconds());
                    System.out.printf(Locale.ROOT, "  load average %.2f on %d cores%n", r.loadAverage(), r.cores());
                }
                return 0;
            }
        }
    }

    @Command(name = "train", description = "Training images/s of a CNN architecture over one epoch.")
    static final class Train implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", defaultValue = "fashion-mnist:train", description = "Dataset spec (default ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--arch", defaultValue = "fm-cnn", description = "Architecture (default ${DEFAULT-VALUE}).")
        String arch;

        @Option(names = "--images", defaultValue = "10000", description = "Images in the timed epoch (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() {
            Training t = Training.builder().optArchitecture(arch).optBatchSize(batch).build();
            var a = imvec.model.Architectures.get(arch);
            ImageSet set = Subset.head(DataSpecs.open(data, null), images);
            ImageTensors x = ImageTensors.load(set, imvec.data.Preprocess.builder().setChannels(a.channels())
                    .setSize(a.height(), a.width()).optMean(0.5f).optStd(0.5f).build(), null);
            Training.Throughput r = t.measureThroughput(x.x(), x.y(), x.n(), set.classes());
            if (common.json) {
                common.printJson(r);
            } else {
                System.out.printf(Locale.ROOT, "%s: %.1f training images/s (%d images, batch %d, %d threads, %.2f s on %d cores)%n",
                        r.architecture(), r.imagesPerSecond(), r.images(), r.batchSize(), r.threads(), r.seconds(),
                        Runtime.getRuntime().availableProcessors());
            }
            return 0;
        }
    }
}
