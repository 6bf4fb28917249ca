package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.IndexedSubset;
import imvec.extract.Extractor;
import imvec.finetune.FineTuneJob;
import imvec.finetune.FineTuning;
import imvec.model.Backbone;
import imvec.model.EpochStats;
import imvec.model.ProgressListener;
import imvec.onnx.OnnxBackbone;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "finetune", description = "Fine-tune the part of an ONNX model after a tensor (imported into DJL/PyTorch) with a new head; report before and after.")
final class FineTuneCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RelabelOption relabel;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--from", required = true, description = "Tensor to tune from; ONNX Runtime computes it once, frozen.")
    String from;

    @Option(names = "--to", description = "Feature tensor the new head reads (default: the card's feature layer).")
    String to;

    @Option(names = "--data", required = true, description = "Training images: " + DataSpecs.SYNTAX + ".")
    String data;

    @Option(names = "--test", description = "Test images (default: every 5th image of --data, held out).")
    String test;

    @Option(names = "--train-images", defaultValue = "0", description = "Use this many training images, spread over the set (default all).")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "0", description = "Use this many test images, spread over the set (default all).")
    int testImages;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs of tuning tail and head together (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--head-epochs", defaultValue = "10", description = "Epochs of training the head alone first (default ${DEFAULT-VALUE}).")
    int headEpochs;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Adam learning rate for tuning (default ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--head-lr", defaultValue = "1e-3", description = "Adam learning rate of the head-only stage (default ${DEFAULT-VALUE}).")
    float headLr;

    @Option(names = "--batch", defaultValue = "32", description = "Training batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--freeze-bn", description = "Keep BatchNorm scale and shift fixed too (statistics are always the imported ones).")
    boolean freezeBn;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of head initialisation and batch order (default ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--probe-epochs", defaultValue = "20", description = "Epochs of the transfer-head probe on each stage's features (default ${DEFAULT-VALUE}).")
    int probeEpochs;

    @Option(names = "--tsne-iterations", defaultValue = "1000", description = "Iterations of each stage's t-SNE to 3-D (default ${DEFAULT-VALUE}).")
    int tsneIterations;

    @Option(names = "--threads", description = "PyTorch threads (default: all cores).")
    Integer threads;

    @Option(names = "--out", required = true, description = "Directory for the cached start tensors, tuned weights, card and report.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ImageSet train = IndexedSubset.spread(relabel.open(data), trainImages);
        ImageSet testSet = test == null ? null : IndexedSubset.spread(DataSpecs.open(test, null), testImages);
        if (test == null && testImages > 0) throw new UserError("--test-images needs --test.");
        try (Backbone model = modelOptions.open(); ProgressBar bar = common.progress("cache")) {
            if (!(model instanceof OnnxBackbone onnx)) {
                throw new UserError(modelOptions.model + " is not an ONNX model; finetune imports ONNX graphs.");
            }
            FineTuneJob.Builder b = FineTuneJob.builder().setModel(onnx).setPreprocess(modelOptions.preprocess(model))
                    .setTrain(train).optTest(testSet).setFrom(from).optTo(to).optEpochs(epochs).optHeadEpochs(headEpochs)
                    .optLearningRate(lr).optHeadLearningRate(headLr).optBatchSize(batch).optFreezeBatchNorm(freezeBn)
                    .optSeed(seed).optProbeEpochs(probeEpochs).optTsneIterations(tsneIterations).optListener(epochPrinter())
                    .optExtractionListener(new Extractor.Listener() {
                        public void progress(long done, long total) { bar.update(done, total); }
                        public void warn(String m) { common.warn(m); }
                    });
            if (threads != null) b.optThreads(threads);
            FineTuneJob.Result r = b.build().run(out);
            bar.close();
            print(r);
            return 0;
        }
    }

    private ProgressListener epochPrinter() {
        return new ProgressListener() {
            public void batchDone(long done, long total, float loss) {
            }

            public void epochDone(EpochStats s) {
                if (common.json) return;
                System.err.printf(Locale.ROOT, "  epoch %d: train loss %.4f, test accuracy %.4f, test loss %.4f (%.1f s)%n",
                        s.epoch(), s.trainLoss(), s.testAccuracy(), s.testLoss(), s.seconds());
            }
        };
    }

    private void print(FineTuneJob.Result r) {
        FineTuning.Result t = r.tuning();
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("out", r.out().toString());
            o.put("train", r.trainSpec());
            o.put("test", r.testSpec());
            o.put("card", r.card());
            o.put("result", t);
            common.printJson(o);
            return;
        }
        System.out.printf(Locale.ROOT, "Tuned %s from '%s' to '%s' with a %s head on %d images (%d test); %d trainable values.%n",
                Path.of(r.card().baseModel()).getFileName(), r.card().from(), r.card().to(), r.card().head(),
                t.trainRows(), t.testRows(), t.trainableValues());
        System.out.print(FineTuneJob.table(t));
        System.out.printf("Wrote %s (weights, %s, %s, %s).%n", r.out(), FineTuneJob.CARD_FILE, FineTuneJob.REPORT_FILE, FineTuneJob.TABLE_FILE);
    }
}
