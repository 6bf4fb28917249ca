package imvec.cli;

import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.Backbone;
import imvec.spark.SparkBench;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "spark", description = "Images/s of `imvec extract`, Spark local[N] and a two-worker standalone cluster on this machine, same folder and model.")
final class SparkBenchCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--data", required = true, description = "Folder of images (folder:PATH or a path).")
    String data;

    @Option(names = "--layers", split = ",", description = "Layers to store (default: the card's output layer).")
    List<String> layers;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--local-cores", defaultValue = "2", description = "N of local[N] (default ${DEFAULT-VALUE}).")
    int localCores;

    @Option(names = "--workers", defaultValue = "2", description = "Workers of the standalone cluster, one core each (default ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() throws Exception {
        String jars = System.getProperty("imvec.spark.jars.dir");
        if (jars == null) throw new UserError("bench spark needs Spark's jars folder (-Dimvec.spark.jars.dir); run it through ./imvec.");
        Path folder = Path.of(data.startsWith("folder:") ? data.substring("folder:".length()) : data);
        List<LayerRequest> requests;
        imvec.data.Preprocess pre;
        try (Backbone model = modelOptions.open()) {
            requests = LayerRequest.parseAll(layers != null ? layers : List.of(model.card().outputLayer()), Pool.AVG, model);
            pre = modelOptions.preprocess(model);
        }
        SparkBench.Result r = SparkBench.run(folder, modelOptions.model,
                modelOptions.card == null ? null : imvec.zoo.Backbones.readCard(modelOptions.card), pre, requests, batch,
                localCores, workers, Path.of(jars), m -> { if (!common.json) System.err.println("imvec: " + m); });
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        double base = r.runs().get(0).steadyImagesPerSecond();
        double baseCpu = r.runs().get(0).cpuMsPerImage();
        System.out.printf(Locale.ROOT, "%s, batch %d, %d cores, load average %.2f at the end%n", folder, batch, r.cores(), r.loadAverage());
        System.out.printf(Locale.ROOT, "  %-24s %6s %17s %17s %22s %10s %s%n", "", "images", "cold (incl. start)", "warm (2nd job)",
                "steady (extraction)", "CPU/image", "(extract's CPU/image over it)");
        for (SparkBench.Run run : r.runs()) {
            System.out.printf(Locale.ROOT, "  %-24s %6d %6.1f s %5.1f/s %6.1f s %5.1f/s %7.1f/s = %4.2f× extract %7.1f ms (%.2f)%n",
                    run.engine(), run.images(), run.coldSeconds(), run.coldImagesPerSecond(), run.warmSeconds(),
                    run.warmImagesPerSecond(), run.steadyImagesPerSecond(), run.steadyImagesPerSecond() / base, run.cpuMsPerImage(),
                    baseCpu / run.cpuMsPerImage());
        }
        System.out.println("  Extraction stage of the warm job (task totals, seconds):");
        for (SparkBench.Run run : r.runs()) {
            var x = run.extraction();
            if (x == null) continue;
            System.out.printf(Locale.ROOT, "    %-24s %3d tasks, stage %.1f s: run %.1f (CPU %.1f), deserialise %.1f, scheduler delay %.1f, GC %.1f%n",
                    run.engine(), x.tasks(), x.stageSeconds(), x.runSeconds(), x.cpuSeconds(), x.deserializeSeconds(),
                    x.schedulerDelaySeconds(), x.gcSeconds());
        }
        SparkBench.Plan p = r.plan();
        System.out.printf(Locale.ROOT, "  Plan: %,d images at %.1f CPU ms each (the cluster's warm job) = %.0f core-hours;", p.images(),
                p.cpuMsPerImage(), p.coreHours());
        for (SparkBench.PlanRow row : p.rows()) System.out.printf(Locale.ROOT, " %d×%d cores %.1f h,", row.executors(), row.cores(), row.hours());
        System.out.println(" plus about a minute of start-up.");
        return 0;
    }
}
