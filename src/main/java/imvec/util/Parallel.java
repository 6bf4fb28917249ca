package imvec.util;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Runs work on a chosen number of threads. Parallel streams started inside {@link #call} use the
 * pool they run in, so one call bounds every stream below it.
 */
public final class Parallel {
    private Parallel() {
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code threads} as a thread count a user may give (--threads): 0 for all cores, or more.
     * A negative count is refused rather than read as "all cores", so a typo is not silently run.
     */
    public static int checkThreads(int threads) {
        if (threads < 0) throw new UserError("the number of threads must be 0 (all cores) or more, got " + threads + ".");
        return threads;
    }

    /** Runs {@code body} with {@code threads} workers; 0 means all cores via the common pool. */
    public static <T> T call(int threads, Supplier<T> body) {
        if (checkThreads(threads) == 0) return body.get();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(body::get).join();
        } finally {
            pool.shutdown();
        }
    }

    public static void forEach(int n, IntConsumer task) {
        IntStream.range(0, n).parallel().forEach(task);
    }
}
