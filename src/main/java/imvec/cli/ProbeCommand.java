package imvec.cli;

import imvec.analysis.LinearProbe;
import imvec.report.ProbeReport;
import imvec.store.LabelledMatrix;
import imvec.store.Manifest;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "probe", description = "Train a transfer head (or, with --linear, logistic regression) on stored features and report held-out accuracy.")
final class ProbeCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    MatrixInput input;

    @Option(names = "--test-fraction", description = "Share of each class held out for testing (default 0.2; not with --test-run).")
    Double testFraction;

    @Option(names = "--test-run", description = "Test on this run's rows of the same layer instead of splitting --run.")
    Path testRun;

    @Option(names = "--linear", description = "Logistic regression on standardised features instead of the 512-unit head.")
    boolean linear;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the training rows (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Rows per Adam step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", description = "Adam learning rate (default 1e-3, or 1e-2 with --linear).")
    Float learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the split, the initial weights, dropout and batch order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch threads (default ${DEFAULT-VALUE}; the head is small).")
    int threads;

    @Option(names = "--out", description = "Directory for probe.json and confusion.png.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (testRun != null && testFraction != null) throw new UserError("give either --test-fraction or --test-run, not both.");
        LabelledMatrix train = input.load();
        LinearProbe.Builder b = LinearProbe.builder().optLinear(linear).optEpochs(epochs).optBatchSize(batch)
                .optSeed(seed).optThreads(threads);
        if (learningRate != null) b.optLearningRate(learningRate);
        LinearProbe probe = b.build();
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("source", train.source());
        describeRun(inputs, "run", input.run);
        LinearProbe.Result r;
        if (testRun != null) {
            if (input.run == null) throw new UserError("--test-run needs --run (the same layer is read from both).");
            LabelledMatrix test = LabelledMatrix.fromRun(testRun, input.layer);
            if (!test.classes().equals(train.classes())) {
                throw new UserError(testRun + " names its classes differently from " + input.run + "; the probe needs the same classes in the same order.");
            }
            describeRun(inputs, "test_run", testRun);
            inputs.put("split", "train = --run, test = --test-run");
            r = probe.fit(train.rows(), train.labels(), test.rows(), test.labels(), train.classes());
        } else {
            double f = testFraction == null ? 0.2 : testFraction;
            LinearProbe.Split split = LinearProbe.split(train.labels(), f, seed);
            inputs.put("split", Map.of("kind", "stratified", "test_fraction", f, "seed", seed));
            r = probe.fit(train.rows(), train.labels(), split, train.classes());
        }
        List<Path> written = out == null ? List.of() : ProbeReport.write(out, r, inputs, probe.options(), train.source());
        print(r, inputs, probe, written);
        return 0;
    }

    private static void describeRun(Map<String, Object> inputs, String key, Path run) {
        if (run == null || !Files.isRegularFile(run.resolve(Manifest.FILE))) return;
        Manifest m = Manifest.read(run);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", run.toString());
        if (m.model() != null) d.put("model_sha256", m.model().sha256());
        if (m.model() != null) d.put("model", m.model().path());
        if (m.data() != null) d.put("data", m.data().spec());
        d.put("rows", m.n());
        inputs.put(key, d);
    }

    private void print(LinearProbe.Result r, Map<String, Object> inputs, LinearProbe probe, List<Path> written) {
        if (common.json) {
            Map<String, Object> m = ProbeReport.toMap(r, inputs, probe.options());
            if (!written.isEmpty()) m.put("files", written.stream().map(Path::toString).toList());
            common.printJson(m);
            return;
        }
        System.out.printf(Locale.ROOT, "%s probe on %s: test accuracy %.4f, test loss %.4f (train %.4f / %.4f); %d train, %d test rows × %d dims, %d epochs, %.1f s.%n",
                r.head(), inputs.get("source"), r.testAccuracy(), r.testLoss(), r.trainAccuracy(),
                r.trainLoss(), r.trainRows(), r.testRows(), r.dims(), r.epochs().size(), r.seconds());
        int w = r.classes().stream().mapToInt(String::length).max().orElse(5);
        for (int k = 0; k < r.classes().size(); k++) {
            System.out.printf(Locale.ROOT, "  %-" + w + "s  %.4f%n", r.classes().get(k), r.perClassAccuracy()[k]);
        }
        for (Path p : written) System.out.println("Wrote " + p);
    }
}
