package imvec.cli;

import imvec.model.Backbone;
import imvec.spark.SparkExtract;
import imvec.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "spark-extract", description = "Run a model over a folder of images on Apache Spark and write Parquet (turn it into a run with `imvec import-parquet`).")
final class SparkExtractCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ExtractOptions options;

    @Option(names = "--master", description = "Spark master: local[N], spark://HOST:PORT, … (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--data", required = true, description = "Folder of images: folder:PATH, a path, or a Hadoop URI (hdfs://…, s3a://…); labels as folder: gives them.")
    String data;

    @Option(names = "--partitions", defaultValue = "0", description = "At least this many partitions (default: four per core, at most 128 MB of images each).")
    int partitions;

    @Option(names = "--threads-per-task", defaultValue = "0", description = "ONNX Runtime threads per Spark task (default: the task's cores, spark.task.cpus).")
    int threadsPerTask;

    @Option(names = "--out", required = true, description = "Output directory (any Hadoop path): Parquet under rows/, manifest.json beside it.")
    String out;

    @Override
    public Integer call() throws Exception {
        SparkExtract.Builder b = SparkExtract.builder().setData(data).setModel(modelOptions.model)
                .optCard(modelOptions.card == null ? null : imvec.zoo.Backbones.readCard(modelOptions.card))
                .optLabelsCsv(options.labels).optTopK(options.topk).optTopKLayer(options.topkLayer).optBatchSize(options.batch)
                .optPartitions(partitions).optThreadsPerTask(threadsPerTask).optForce(options.force).optSeed(options.seed);
        if (options.modelClasses != null) b.optModelClasses(options.modelClasses());
        // Spark starts while the model opens; the job then runs on this same open model.
        try (SparkSessions.Starting starting = SparkSessions.start(master, "imvec spark-extract");
             Backbone model = modelOptions.open();
             ProgressBar bar = common.progress("spark-extract")) {
            b.setPreprocess(modelOptions.preprocess(model)).setLayers(options.layers(model));
            SparkExtract job = b.build();
            SparkSession spark = starting.get();
            SparkSessions.reportTasks(spark, bar::update);
            SparkExtract.Result r = job.run(spark, out, model);
            bar.close();
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("out", out);
            res.put("rows", r.rows());
            res.put("skipped", r.skipped());
            res.put("partitions", r.partitions());
            res.put("master", spark.sparkContext().master());
            res.put("seconds", r.seconds());
            res.put("images_per_second", r.imagesPerSecond());
            res.put("already_complete", r.alreadyComplete());
            if (common.json) {
                common.printJson(res);
            } else if (r.alreadyComplete()) {
                System.out.printf("%s is already complete (%d rows); nothing to do.%n", out, r.rows());
            } else {
                System.out.printf("Stored %d images × %d layers as Parquet in %s on %s, %d partitions (%.1f s, %.1f images/s%s).%n",
                        r.rows(), r.manifest().layers().size(), out, spark.sparkContext().master(), r.partitions(),
                        r.seconds(), r.imagesPerSecond(), r.skipped() > 0 ? ", " + r.skipped() + " unreadable images recorded" : "");
            }
            return 0;
        }
    }
}
