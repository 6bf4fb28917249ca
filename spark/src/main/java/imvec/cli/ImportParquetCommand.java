package imvec.cli;

import imvec.spark.ParquetImport;
import imvec.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import-parquet", description = "Turn the Parquet output of `imvec spark-extract` into an ordinary run directory.")
final class ImportParquetCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--in", required = true, description = "Output of spark-extract (any Hadoop path).")
    String in;

    @Option(names = "--out", required = true, description = "Run directory to write.")
    Path out;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master that reads the Parquet (default ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--force", description = "Replace a finished run in --out.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSessions.open(master, "imvec import-parquet");
        try {
            ParquetImport.Result r = ParquetImport.run(spark, in, out, force);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("run", r.run().toString());
            res.put("rows", r.rows());
            res.put("layers", r.layers());
            res.put("classes", r.classes());
            if (common.json) common.printJson(res);
            else System.out.printf("Imported %d rows × %d layers (%d classes) from %s into %s.%n", r.rows(), r.layers(), r.classes(), in, out);
            return 0;
        } finally {
            spark.stop();
        }
    }
}
