package imvec.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr with rate and time left; draws at most ten times a second. */
public final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;
    private final String task;
    private final boolean enabled;
    private final PrintStream out = System.err;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    ProgressBar(String task, boolean enabled) {
        this.task = task;
        this.enabled = enabled;
    }

    public synchronized void update(long done, long total) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        double secs = (now - start) / 1e9;
        double frac = total <= 0 ? 0 : Math.min(1, (double) done / total);
        int fill = (int) Math.round(frac * WIDTH);
        double rate = secs > 0 ? done / secs : 0;
        String eta = rate > 0 && done < total ? String.format(Locale.ROOT, " ETA %s", time((total - done) / rate)) : "";
        out.printf(Locale.ROOT, "\r%-12s [%s%s] %3d%% %d/%d %.1f/s %s%s\u001b[K", task, "#".repeat(fill), " ".repeat(WIDTH - fill),
                (int) (frac * 100), done, total, rate, time(secs), eta);
        out.flush();
        drawn = true;
    }

    private static String time(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }

    @Override
    public synchronized void close() {
        if (enabled && drawn) {
            out.println();
            out.flush();
        }
    }
}
