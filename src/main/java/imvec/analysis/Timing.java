package imvec.analysis;

import java.util.Locale;

/** One timed run of an analysis, for {@code imvec bench}: what ran, on what shape, how long. */
public record Timing(String task, int rows, int cols, int threads, double seconds, double value) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %d×%d on %d threads: %.2f s (result %.6f)",
                task, rows, cols, threads, seconds, value);
    }
}
