package imvec.spark;

import imvec.classvec.ClassVectors;
import imvec.store.Manifest;
import imvec.util.UserError;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Class centroids and counts of one layer of a Spark extraction, computed in Spark: for outputs
 * too large to import, only classes × dims come back to the driver. The same numbers as
 * {@link imvec.classvec.Centroids} on the imported run (sums in double, then divided).
 */
public final class SparkCentroids {
    public record Result(ClassVectors vectors, int[] counts, List<String> missing, String layer, long rows) {
    }

    private SparkCentroids() {
    }

    public static Result of(SparkSession spark, String in, String layer, boolean normaliseRows) throws IOException {
        Manifest m = ParquetImport.readManifest(spark, in);
        String column = OutputDir.columns(m).get(layer);
        if (column == null) {
            throw new UserError(in + " has no layer '" + layer + "'; it has " + m.layers().stream().map(Manifest.Layer::name).toList() + ".");
        }
        JavaPairRDD<Integer, Tuple2<double[], Long>> sums = spark.read().parquet(in + "/" + SparkExtract.ROWS)
                .filter(col(SparkSchema.ERROR).isNull()).select(SparkSchema.CLASS_INDEX, column).javaRDD()
                .mapToPair((Row r) -> new Tuple2<>(r.getInt(0), new Tuple2<>(row(r.getList(1), normaliseRows), 1L)))
                .reduceByKey(SparkCentroids::add);
        List<String> classes = m.classNames();
        double[][] sum = new double[classes.size()][];
        long[] count = new long[classes.size()];
        long rows = 0;
        for (Tuple2<Integer, Tuple2<double[], Long>> t : sums.collect()) {
            sum[t._1()] = t._2()._1();
            count[t._1()] = t._2()._2();
            rows += t._2()._2();
        }
        List<String> names = new ArrayList<>(), missing = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            if (count[c] == 0) {
                missing.add(classes.get(c));
                continue;
            }
            float[] v = new float[sum[c].length];
            for (int k = 0; k < v.length; k++) v[k] = (float) (sum[c][k] / count[c]);
            names.add(classes.get(c));
            vectors.add(v);
            counts.add((int) count[c]);
        }
        String source = "centroids of " + in + " " + layer + (normaliseRows ? " (rows L2-normalised)" : "");
        return new Result(new ClassVectors(names, vectors.toArray(new float[0][]), source),
                counts.stream().mapToInt(Integer::intValue).toArray(), missing, layer, rows);
    }

    private static double[] row(List<Object> values, boolean normalise) {
        double[] v = new double[values.size()];
        double ss = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (Float) values.get(i);
            ss += v[i] * v[i];
        }
        // As Centroids does: the float row times a double scale, summed in double.
        if (normalise) {
            double scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
            for (int i = 0; i < v.length; i++) v[i] *= scale;
        }
        return v;
    }

    private static Tuple2<double[], Long> add(Tuple2<double[], Long> a, Tuple2<double[], Long> b) {
        double[] s = a._1();
        for (int i = 0; i < s.length; i++) s[i] += b._1()[i];
        return new Tuple2<>(s, a._2() + b._2());
    }
}
