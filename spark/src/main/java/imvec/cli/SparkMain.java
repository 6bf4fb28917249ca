package imvec.cli;

import picocli.CommandLine;

/**
 * The {@code imvec} command with the imvec-spark commands added: {@code spark-extract},
 * {@code import-parquet}, {@code spark-centroids} and {@code bench spark}. The launcher runs it for those commands, and
 * it is the main class of the job jar for {@code spark-submit}.
 */
public final class SparkMain {
    private SparkMain() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.addSubcommand("spark-extract", new SparkExtractCommand());
        cl.addSubcommand("import-parquet", new ImportParquetCommand());
        cl.addSubcommand("spark-centroids", new SparkCentroidsCommand());
        cl.getSubcommands().get("bench").addSubcommand("spark", new SparkBenchCommand());
        return Main.execute(cl, args);
    }
}
