package imvec.spark;

import imvec.data.FolderSet;
import imvec.data.ImageSet;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.util.UserError;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * {@code imvec bench spark}: the same folder, model and layers through {@code imvec extract}, through
 * Spark in {@code local[N]}, and through a standalone cluster of separate worker JVMs on this
 * machine. Each Spark engine runs the job twice in one session:
 * <ul>
 *   <li><b>cold</b>: the first job including the session's start (for the cluster, executors
 *       launching and loading the job jar and the model), what a one-off small job sees;</li>
 *   <li><b>warm</b>: the second job whole (listing, labelling, extraction, Parquet commit,
 *       manifest) on executors that already hold the model;</li>
 *   <li><b>steady</b>: the second job's extraction stage alone, images over its wall time: the rate
 *       a 10M-image job runs at once its fixed costs (seconds) are spread over hours.</li>
 * </ul>
 * CPU per image is over the warm job: the process's CPU time for extract and local mode (one
 * JVM, driver included), the driver's plus every cluster process's (executors, workers, master)
 * for the standalone cluster. {@link Plan} turns the cluster's figure into a 10M-image estimate.
 */
public final class SparkBench {
    /**
     * One engine. For {@code imvec extract} the three rates are the same single run (its model
     * loaded beforehand); {@code extraction} is the warm job's extraction stage (null for extract).
     */
    public record Run(String engine, int images, double coldSeconds, double coldImagesPerSecond, double warmSeconds,
                      double warmImagesPerSecond, double steadyImagesPerSecond, double cpuMsPerImage,
                      StageMetrics.Split coldExtraction, StageMetrics.Split extraction) {
    }

    /** {@code images} on {@code executors} × {@code cores} at the measured CPU cost, cores fully busy. */
    public record PlanRow(int executors, int cores, double hours) {
    }

    /** A ten-million-image job costed at the cluster's warm CPU per image. */
    public record Plan(long images, double cpuMsPerImage, double coreHours, List<PlanRow> rows) {
        static Plan of(long images, double cpuMsPerImage) {
            double coreHours = images * cpuMsPerImage / 1e3 / 3600;
            List<PlanRow> rows = new ArrayList<>();
            for (int executors : new int[]{10, 25, 50, 100}) rows.add(new PlanRow(executors, 4, coreHours / (executors * 4)));
            return new Plan(images, cpuMsPerImage, coreHours, rows);
        }
    }

    public record Result(List<Run> runs, int cores, double loadAverage, Plan plan) {
    }

    static final long PLAN_IMAGES = 10_000_000L;

    private SparkBench() {
    }

    private static void atLeastOne(int n, String flag) {
        if (n < 1) throw new UserError(flag + " must be at least 1, got " + n + ".");
    }

    public static Result run(Path folder, Path model, ModelCard card, Preprocess pre, List<LayerRequest> layers, int batch,
                             int localCores, int workers, Path sparkJars, Consumer<String> log) throws Exception {
        // Checked before minutes of extraction: a count below one would fail (or hang) only later.
        atLeastOne(batch, "--batch");
        atLeastOne(localCores, "--local-cores");
        atLeastOne(workers, "--workers");
        Path tmp = Files.createTempDirectory("imvec-bench-spark-");
        List<Run> runs = new ArrayList<>();
        try {
            ImageSet set = FolderSet.open(folder);
            try (OnnxBackbone b = OnnxBackbone.open(model, card)) {
                log.accept("imvec extract on " + set.size() + " images…");
                long c0 = processCpuNanos(), t0 = System.nanoTime();
                Extractor.Result r = Extractor.builder().setData(set).setBackbone(b).setPreprocess(pre).setLayers(layers)
                        .optBatchSize(batch).build().run(tmp.resolve("extract"));
                double secs = (System.nanoTime() - t0) / 1e9;
                int n = r.rows() + r.skipped();
                runs.add(new Run("imvec extract", n, secs, n / secs, secs, n / secs, n / secs,
                        (processCpuNanos() - c0) / 1e6 / n, null, null));
            }
            SparkExtract job = SparkExtract.builder().setData("folder:" + folder).setModel(model).optCard(card)
                    .setPreprocess(pre).setLayers(layers).optBatchSize(batch).build();
            log.accept("Spark local[" + localCores + "], twice…");
            long t0 = System.nanoTime();
            SparkSession local = SparkSession.builder().master("local[" + localCores + "]").appName("imvec bench spark")
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                runs.add(twice("spark local[" + localCores + "]", local, job, tmp.resolve("local"), t0, SparkBench::processCpuNanos));
            } finally {
                local.stop();
            }
            log.accept("Spark standalone, " + workers + " workers × 1 core, twice…");
            try (StandaloneCluster cluster = StandaloneCluster.start(sparkJars, Files.createDirectories(tmp.resolve("cluster")),
                    workers, 1, "1g")) {
                long c0 = System.nanoTime();
                SparkSession s = SparkSessions.open(cluster.masterUrl(), "imvec bench spark");
                try {
                    runs.add(twice("spark standalone " + workers + "×1", s, job, tmp.resolve("cluster-out"), c0,
                            () -> processCpuNanos() + cluster.cpuNanos()));
                } finally {
                    s.stop();
                }
            }
            return new Result(runs, Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Plan.of(PLAN_IMAGES, runs.get(runs.size() - 1).cpuMsPerImage()));
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }

    /** The job cold (from {@code sessionStart}, before the session was built) and then warm in the same session. */
    private static Run twice(String engine, SparkSession spark, SparkExtract job, Path out, long sessionStart,
                             LongSupplier cpuNanos) throws Exception {
        StageMetrics metrics = StageMetrics.attach(spark);
        SparkExtract.Result cold = job.run(spark, out.resolve("cold").toString());
        double coldSecs = (System.nanoTime() - sessionStart) / 1e9;
        StageMetrics.Split coldSplit = metrics.extraction(spark);
        long c0 = cpuNanos.getAsLong(), t0 = System.nanoTime();
        SparkExtract.Result warm = job.run(spark, out.resolve("warm").toString());
        double warmSecs = (System.nanoTime() - t0) / 1e9;
        long cpu = cpuNanos.getAsLong() - c0;
        StageMetrics.Split split = metrics.extraction(spark);
        int n = (int) (warm.rows() + warm.skipped());
        int coldN = (int) (cold.rows() + cold.skipped());
        double steady = split.stageSeconds() > 0 ? split.records() / split.stageSeconds() : 0;
        return new Run(engine, n, coldSecs, coldN / coldSecs, warmSecs, n / warmSecs, steady, cpu / 1e6 / n, coldSplit, split);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
