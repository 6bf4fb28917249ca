package imvec.spark;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.SparkSession;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Where a Spark job's time went, from the task metrics Spark reports to the driver: for the stage
 * that wrote the rows (the extraction), its wall time and the tasks' run, CPU, deserialisation,
 * scheduler delay and GC time. Attach with {@link #attach}, run the job, then {@link #extraction}.
 */
final class StageMetrics extends SparkListener {
    /**
     * One stage's totals over its tasks, in seconds. {@code schedulerDelay} is each task's time
     * from launch to finish not spent deserialising, running or serialising its result (waiting
     * for a slot's thread, shipping the task and its result).
     */
    public record Split(int tasks, long records, double stageSeconds, double runSeconds, double cpuSeconds,
                        double deserializeSeconds, double schedulerDelaySeconds, double gcSeconds,
                        double resultSerializationSeconds, long jobInputBytes) {
    }

    private static final class Stage {
        int tasks;
        long records, run, cpuNanos, deserialize, delay, gc, resultSer, inputBytes;
        double wallSeconds;
    }

    private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();

    private StageMetrics() {
    }

    static StageMetrics attach(SparkSession spark) {
        StageMetrics m = new StageMetrics();
        spark.sparkContext().addSparkListener(m);
        return m;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd t) {
        TaskMetrics m = t.taskMetrics();
        TaskInfo i = t.taskInfo();
        if (m == null || i == null) return;
        Stage s = stages.computeIfAbsent(t.stageId(), k -> new Stage());
        s.tasks++;
        s.records += m.outputMetrics().recordsWritten();
        s.inputBytes += m.inputMetrics().bytesRead();
        s.run += m.executorRunTime();
        s.cpuNanos += m.executorCpuTime();
        s.deserialize += m.executorDeserializeTime();
        s.gc += m.jvmGCTime();
        s.resultSer += m.resultSerializationTime();
        long fetching = i.gettingResultTime() > 0 ? i.finishTime() - i.gettingResultTime() : 0;
        s.delay += Math.max(0, i.duration() - m.executorRunTime() - m.executorDeserializeTime() - m.resultSerializationTime() - fetching);
    }

    @Override
    public synchronized void onStageCompleted(SparkListenerStageCompleted c) {
        StageInfo info = c.stageInfo();
        if (info.submissionTime().isEmpty() || info.completionTime().isEmpty()) return;
        stages.computeIfAbsent(info.stageId(), k -> new Stage()).wallSeconds =
                ((Long) info.completionTime().get() - (Long) info.submissionTime().get()) / 1e3;
    }

    /**
     * The stage that wrote the most rows since the last call, with the bytes every stage since then
     * read ({@code jobInputBytes}: the images once, if nothing reads them twice); forgets them all.
     * Waits for the driver's listener bus to deliver the finished job's events first (Spark
     * posts them asynchronously); {@code waitUntilEmpty} is Spark-internal but public to Java.
     */
    Split extraction(SparkSession spark) throws TimeoutException {
        // Outside the lock: the bus thread needs it to deliver what is still queued.
        spark.sparkContext().listenerBus().waitUntilEmpty();
        synchronized (this) {
            return largest();
        }
    }

    private Split largest() {
        Stage best = null;
        long input = 0;
        for (Stage s : stages.values()) {
            input += s.inputBytes;
            if (best == null || s.records > best.records) best = s;
        }
        stages.clear();
        if (best == null) return new Split(0, 0, 0, 0, 0, 0, 0, 0, 0, input);
        return new Split(best.tasks, best.records, best.wallSeconds, best.run / 1e3, best.cpuNanos / 1e9, best.deserialize / 1e3,
                best.delay / 1e3, best.gc / 1e3, best.resultSer / 1e3, input);
    }
}
