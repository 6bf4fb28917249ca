package imvec.store;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The disk filled up while writing {@link #file()}: the user's to fix, so one sentence, not a crash. */
public final class OutOfSpaceException extends UserError {
    private final Path file;

    public OutOfSpaceException(Path file, IOException cause) {
        super("the disk ran out of space while writing " + file, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Whether {@code e} is the operating system saying the disk (or the user's quota) is full. */
    public static boolean isOutOfSpace(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left on device") || m.contains("disk quota exceeded")) return true;
        }
        return false;
    }

    /** {@code e} as an {@link OutOfSpaceException} for {@code file} when the disk is full; else {@code e} itself. */
    public static IOException orOutOfSpace(IOException e, Path file) {
        if (isOutOfSpace(e)) throw new OutOfSpaceException(file, e);
        return e;
    }
}
