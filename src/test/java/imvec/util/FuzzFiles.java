package imvec.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fuzz inputs for readers that take a path: one scratch file per name, rewritten per input. */
public final class FuzzFiles {
    private static Path dir;

    private FuzzFiles() {
    }

    public static synchronized Path write(String name, byte[] bytes) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("imvec-fuzz");
                dir.toFile().deleteOnExit();
            }
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
