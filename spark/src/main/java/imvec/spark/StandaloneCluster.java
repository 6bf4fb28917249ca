package imvec.spark;

import imvec.util.UserError;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on this machine: a master and {@code workers} workers, each its own
 * JVM bound to 127.0.0.1, started from Spark's Maven jars (a SPARK_HOME whose {@code jars/}
 * links to them) and stopped, by process, on {@link #close}. For {@code imvec bench spark}.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path work;
    private final String masterUrl;
    private final String executorJavaOptions;

    private StandaloneCluster(Path work, String masterUrl, String executorJavaOptions) {
        this.work = work;
        this.masterUrl = masterUrl;
        this.executorJavaOptions = executorJavaOptions;
    }

    /** Starts the cluster; {@code sparkJars} is the folder of Spark's jars, logs go to {@code work}. */
    public static StandaloneCluster start(Path sparkJars, Path work, int workers, int coresPerWorker, String workerMemory)
            throws IOException, InterruptedException {
        return start(sparkJars, work, workers, coresPerWorker, workerMemory, null);
    }

    /**
     * As {@link #start(Path, Path, int, int, String)}; with a {@code cdsDir}, the executors share
     * classes through AppCDS archives kept there (see {@link #executorJavaOptions}), and SPARK_HOME
     * is a folder there too, the same for every cluster on these jars: an archive holds only for
     * the class path it was made on, and a SPARK_HOME under {@code work} would be a new one each time.
     */
    public static StandaloneCluster start(Path sparkJars, Path work, int workers, int coresPerWorker, String workerMemory,
                                          Path cdsDir) throws IOException, InterruptedException {
        if (!Files.isDirectory(sparkJars)) throw new UserError("Spark's jars are not at " + sparkJars + "; run ./imvec, which builds them.");
        String key = cdsDir == null ? null : ClassSharing.key(sparkJars);
        Path home = cdsDir == null ? work.resolve("spark-home") : cdsDir.resolve("spark-home-" + key);
        linkJars(sparkJars, home.resolve("jars"));
        String javaOptions = cdsDir == null ? "" : ClassSharing.flags(cdsDir.resolve("spark-executor-" + key + "-{{EXECUTOR_ID}}.jsa"));
        int port = freePort();
        StandaloneCluster c = new StandaloneCluster(work, "spark://127.0.0.1:" + port, javaOptions);
        try {
            c.launch(home, "master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
            c.await("master", "I have been elected leader");
            for (int w = 1; w <= workers; w++) {
                c.launch(home, "worker" + w, List.of("org.apache.spark.deploy.worker.Worker", c.masterUrl, "--host", "127.0.0.1",
                        "--cores", String.valueOf(coresPerWorker), "--memory", workerMemory,
                        "--webui-port", String.valueOf(freePort()), "--work-dir", work.resolve("worker" + w).toString()));
            }
            for (int w = 1; w <= workers; w++) c.await("worker" + w, "Successfully registered with master");
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public String masterUrl() {
        return masterUrl;
    }

    /**
     * What a driver sets as {@code spark.executor.extraJavaOptions} on this cluster: with a CDS
     * folder, each executor (by its id: two executors writing one archive at exit would corrupt
     * it) maps the classes it loaded last time from its own archive, and writes it on first use.
     * Empty without one.
     */
    public String executorJavaOptions() {
        return executorJavaOptions;
    }

    /** Links each of Spark's jars into {@code jars}, keeping links that are already there (a shared SPARK_HOME). */
    private static void linkJars(Path sparkJars, Path jars) throws IOException {
        Files.createDirectories(jars);
        try (Stream<Path> s = Files.list(sparkJars)) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Path link = jars.resolve(jar.getFileName());
                try {
                    Files.createSymbolicLink(link, jar.toAbsolutePath());
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // made by an earlier cluster on the same jars (the key says they are unchanged)
                }
            }
        }
    }

    private void launch(Path home, String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", home.resolve("jars") + "/*"));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        processes.add(pb.start());
    }

    private void await(String name, String line) throws IOException, InterruptedException {
        Path log = work.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) return;
            Thread.sleep(250);
        }
        throw new IOException("the Spark " + name + " did not start within 3 minutes (log: " + log + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * CPU time so far of every process of the cluster that is still running: the master, the
     * workers and the executors the workers launched (their child processes).
     */
    public long cpuNanos() {
        long sum = 0;
        for (Process p : processes) {
            sum += cpuNanos(p.toHandle());
            for (ProcessHandle h : p.descendants().toList()) sum += cpuNanos(h);
        }
        return sum;
    }

    private static long cpuNanos(ProcessHandle h) {
        return h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Stops the workers, then the master: each process this cluster started, and nothing else. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
