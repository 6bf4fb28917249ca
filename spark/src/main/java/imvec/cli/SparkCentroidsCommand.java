package imvec.cli;

import imvec.report.ClassVectorReport;
import imvec.spark.SparkCentroids;
import imvec.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "spark-centroids", description = "Class centroids and counts of one layer of a spark-extract output, computed in Spark (for outputs too large to import); writes what `imvec centroids` writes.")
final class SparkCentroidsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--in", required = true, description = "Output of spark-extract (any Hadoop path).")
    String in;

    @Option(names = "--layer", required = true, description = "Layer name as extracted.")
    String layer;

    @Option(names = {"--normalise", "--normalize"}, description = "L2-normalise each row before averaging.")
    boolean normalise;

    @Option(names = "--master", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSessions.open(master, "imvec spark-centroids");
        try {
            SparkCentroids.Result r = SparkCentroids.of(spark, in, layer, normalise);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("method", "centroids");
            s.put("source", in + " " + layer);
            s.put("rows", r.rows());
            s.put("normalised_rows", normalise);
            s.put("counts", r.counts());
            s.put("missing_classes", r.missing());
            ClassVectorReport.Written w = ClassVectorReport.write(out, r.vectors(), r.vectors().source(), "centroids.json", s);
            if (common.json) {
                s.put("files", w.files());
                common.printJson(s);
                return 0;
            }
            System.out.println("Centroids of " + in + " " + layer + " (computed in Spark on " + spark.sparkContext().master() + "): "
                    + r.vectors().size() + " classes × " + r.vectors().dims() + " dims from " + r.rows() + " rows.");
            if (!r.missing().isEmpty()) common.warn("no rows of " + r.missing() + "; they get no centroid.");
            System.out.println("Wrote " + out + " (vectors.txt, cosine tables and plots, centroids.json).");
            return 0;
        } finally {
            spark.stop();
        }
    }
}
