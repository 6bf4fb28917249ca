package imvec.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The one way tests run the imvec CLI in their own JVM. It records what a run printed and returned,
 * and fails the calling test when the run reached imvec's "internal error" path: no input a test
 * gives, good or bad, may end there (CliRunsTest keeps every other test on this helper).
 *
 * <p>What a run prints still reaches the streams that were in place before it (a test's own
 * capture, or the console), so tests that read their captured output keep working unchanged.
 */
public final class Cli {
    /** The words {@link Main} prints for an exception that is not a user error. */
    public static final String INTERNAL_ERROR = "internal error";
    /** The exit code {@link Main} returns with them. */
    public static final int INTERNAL_EXIT = 70;

    private Cli() {
    }

    /** What one run printed and returned. */
    public record Outcome(int exit, String out, String err) {
    }

    /** Runs {@code imvec args...}; throws an AssertionError when it ended in an internal error. */
    public static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(tee(oldOut, out));
            System.setErr(tee(oldErr, err));
            exit = Main.run(args);
            System.out.flush();
            System.err.flush();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Outcome o = new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        check(String.join(" ", args), o);
        return o;
    }

    /** {@link #run}'s exit code, for tests that read only that (or their own capture of the output). */
    public static int exit(String... args) {
        return run(args).exit();
    }

    /** Fails when a run of {@code command} (for the message) printed or returned an internal error. */
    public static void check(String command, Outcome o) {
        if (o.exit() == INTERNAL_EXIT || o.out().contains(INTERNAL_ERROR) || o.err().contains(INTERNAL_ERROR)) {
            throw new AssertionError("imvec " + command + " ended in an internal error (exit " + o.exit()
                    + "); every failure must be a user error of one sentence.\nstderr: " + o.err());
        }
    }

    private static PrintStream tee(PrintStream shown, ByteArrayOutputStream kept) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                shown.write(b);
                kept.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                shown.write(b, off, len);
                kept.write(b, off, len);
            }

            @Override
            public void flush() {
                shown.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
