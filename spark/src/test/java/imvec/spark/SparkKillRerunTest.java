package imvec.spark;

import imvec.data.FolderSet;
import imvec.data.ImageSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spark's output commit protocol at work: a driver killed (SIGKILL) after some tasks committed
 * leaves no finished output, and the rerun writes every image exactly once.
 */
class SparkKillRerunTest {
    private static final int IMAGES = 40;

    @Test
    void aKilledDriverRerunLosesAndDuplicatesNoRow(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), IMAGES);
        Path out = tmp.resolve("spark");

        Process driver = startDriver(folder, out, tmp.resolve("driver.log"));
        try {
            List<Path> committed = awaitCommittedTask(driver, out.resolve("rows"));
            assertThat(committed).as("tasks committed before the kill; driver %s; log:%n%s", driver.isAlive() ? "alive" : "exited " + driver.exitValue(), tail(tmp.resolve("driver.log"))).isNotEmpty();
        } finally {
            driver.destroyForcibly();
            driver.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(out.resolve("manifest.json")).doesNotExist();
        assertThat(out.resolve("rows/_SUCCESS")).doesNotExist();
        // Killed mid-job, the driver may print anything but imvec's "internal error" (a bug's words).
        assertThat(Files.readString(tmp.resolve("driver.log"))).doesNotContain("internal error");

        SparkSession spark = SparkFixtures.local2();
        try {
            SparkExtract.Result r = SparkFixtures.sparkJob(folder).optPartitions(8).build().run(spark, out.toString());
            assertThat(r.alreadyComplete()).isFalse();
            List<String> ids = new ArrayList<>();
            for (Row row : spark.read().parquet(out.resolve("rows").toString()).select(SparkSchema.ID).collectAsList()) {
                ids.add(row.getString(0));
            }
            ImageSet expected = FolderSet.open(folder);
            List<String> all = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) all.add(expected.id(i));
            assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
            assertThat(r.rows() + r.skipped()).isEqualTo(all.size());
        } finally {
            spark.stop();
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.exists(log) ? Files.readString(log) : "(none)";
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    /** {@code imvec spark-extract} in its own JVM, one core, many small partitions. */
    private static Process startDriver(Path folder, Path out, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "--enable-native-access=ALL-UNNAMED",
                "-cp", launcherClasspath(), "imvec.cli.SparkMain", "spark-extract",
                "--master", "local[1]", "--model", SparkFixtures.model().toString(),
                "--card", Path.of("..", "cards", "mobilenet-v1-0.75-224.json").toString(),
                "--data", "folder:" + folder, "--layers", "conv_pw_13_relu,conv_pw_1_relu@max,global_average_pooling2d_1",
                "--topk", String.valueOf(SparkFixtures.TOPK), "--batch", "4", "--partitions", "8", "--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /**
     * The classpath as ./imvec lays it out: this module, imvec, then the folders of imvec's and
     * Spark's jars. Given the test's own classpath (the same jars as one explicit list in Maven's
     * order) the child JVM dies of SIGSEGV inside ONNX Runtime, without an hs_err file; not
     * understood yet, and the launcher's layout does not show it.
     */
    private static String launcherClasspath() {
        String imvec = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(p -> p.matches(".*[/\\\\]imvec-[^/\\\\]*\\.jar") || p.endsWith("target" + java.io.File.separator + "classes")
                        && !p.contains("spark" + java.io.File.separator + "target"))
                .findFirst().orElseThrow(() -> new AssertionError("imvec is not on the test classpath"));
        return String.join(java.io.File.pathSeparator, "target/classes", imvec, "target/lib/*", "target/spark-jars/*");
    }

    /**
     * Waits for the first task output committed under the job's {@code _temporary} directory
     * (FileOutputCommitter moves a task's files there when the task commits; the job commit
     * moves them into place), and returns what it found.
     */
    private static List<Path> awaitCommittedTask(Process driver, Path rows) throws Exception {
        Path attempts = rows.resolve("_temporary").resolve("0");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && driver.isAlive()) {
            if (Files.isDirectory(attempts)) {
                try (Stream<Path> s = Files.list(attempts)) {
                    List<Path> tasks = s.filter(p -> p.getFileName().toString().startsWith("task_")).toList();
                    if (!tasks.isEmpty()) return tasks;
                }
            }
            Thread.sleep(20);
        }
        return List.of();
    }
}
