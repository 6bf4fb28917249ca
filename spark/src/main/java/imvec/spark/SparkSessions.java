package imvec.spark;

import imvec.util.UserError;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** Starts the Spark session an imvec command runs on, from the launcher or under spark-submit. */
public final class SparkSessions {
    /** System property the launcher sets to the job jar, which executors of a cluster must load. */
    public static final String JOB_JAR_PROPERTY = "imvec.spark.jar";

    private SparkSessions() {
    }

    /**
     * A session on {@code master}; null keeps what spark-submit configured, or {@code local[*]}
     * when nothing did. A non-local master gets the job jar as {@code spark.jars} unless
     * spark-submit already set it. The web UI stays off: a command-line run needs no server.
     */
    public static SparkSession open(String master, String appName) {
        return open(master, appName, Map.of());
    }

    /** {@link #open(String, String)} with more settings ({@code extra}) for this session. */
    public static SparkSession open(String master, String appName, Map<String, String> extra) {
        SparkConf conf = new SparkConf();
        String m = master != null ? master : conf.get("spark.master", "local[*]");
        SparkSession.Builder b = SparkSession.builder().appName(appName).master(m)
                .config("spark.ui.enabled", conf.get("spark.ui.enabled", "false"))
                .config("spark.ui.showConsoleProgress", "false");
        String jar = System.getProperty(JOB_JAR_PROPERTY);
        if (!m.startsWith("local") && !conf.contains("spark.jars") && jar != null) b.config("spark.jars", jar);
        extra.forEach(b::config);
        try {
            return b.getOrCreate();
        } catch (Exception e) {
            // Spark cannot start from what the user gave (a master URL it cannot parse or reach):
            // say so in one sentence instead of an internal error with Spark's trace.
            throw new UserError("cannot start Spark on master '" + m + "': " + firstLine(e)
                    + " (use local[N], spark://HOST:PORT, yarn or k8s://HOST:PORT).", e);
        }
    }

    /**
     * {@link #open} on a thread of its own, so that what the caller does meanwhile (opening the
     * model, checking the layers) overlaps Spark's start-up, seconds of class loading and set-up.
     * Closing it stops the session once built.
     */
    public static Starting start(String master, String appName) {
        return start(master, appName, Map.of());
    }

    /** {@link #start(String, String)} with more settings ({@code extra}) for this session. */
    public static Starting start(String master, String appName, Map<String, String> extra) {
        CompletableFuture<SparkSession> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(open(master, appName, extra));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "imvec-spark-start");
        t.start();
        return new Starting(f);
    }

    /** A session being built by {@link #start}. */
    public static final class Starting implements AutoCloseable {
        private final CompletableFuture<SparkSession> session;

        private Starting(CompletableFuture<SparkSession> session) {
            this.session = session;
        }

        /** The session, waiting for it; throws what building it threw (a {@link UserError} for a bad master). */
        public SparkSession get() {
            try {
                return session.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw e;
            }
        }

        /** Stops the session, waiting for it to be built first; one that failed to start needs no stopping. */
        @Override
        public void close() {
            try {
                session.join().stop();
            } catch (CompletionException e) {
                // nothing was started, and get() has already reported why
            }
        }
    }

    private static String firstLine(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        return msg.endsWith(".") ? msg.substring(0, msg.length() - 1) : msg;
    }

    /** Reports finished tasks of the running stages as (done, total) to {@code progress}. */
    public static void reportTasks(SparkSession spark, BiConsumer<Long, Long> progress) {
        AtomicLong total = new AtomicLong(), done = new AtomicLong();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted s) {
                progress.accept(done.get(), total.addAndGet(s.stageInfo().numTasks()));
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd t) {
                progress.accept(done.incrementAndGet(), total.get());
            }
        });
    }
}
