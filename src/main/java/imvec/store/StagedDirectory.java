package imvec.store;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * A whole output directory written so that nobody sees half of it: files go to a hidden staging
 * directory beside the target, and {@link #commit} renames it into place. Closing without a commit
 * deletes the staging directory, so a failure leaves nothing behind.
 *
 * <p>An existing target is replaced only when it is empty or holds {@code marker} (the file an
 * earlier run of the same command wrote last), so {@code --out .} never wipes a user's folder.
 */
public final class StagedDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private StagedDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Starts writing {@code target}; {@code marker} is the file name that marks a replaceable earlier output. */
    public static StagedDirectory create(Path target, String marker) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        checkReplaceable(absolute, marker);
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".staging-");
        return new StagedDirectory(absolute, staging);
    }

    private static void checkReplaceable(Path target, String marker) throws IOException {
        if (!Files.exists(target)) return;
        if (!Files.isDirectory(target)) {
            throw new UserError(target + " exists and is not a directory; choose another output directory");
        }
        boolean empty;
        try (Stream<Path> s = Files.list(target)) {
            empty = s.findAny().isEmpty();
        }
        if (!empty && !Files.isRegularFile(target.resolve(marker))) {
            throw new UserError(target + " already holds files that imvec did not write there (no " + marker
                    + "); choose an empty or new output directory");
        }
    }

    /** Where to write the files. */
    public Path path() {
        return staging;
    }

    /** Moves the finished directory into place, replacing an earlier output of the same kind. */
    public void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old);
        }
        try {
            Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) Files.move(old, target); // put the earlier output back
            throw e;
        }
        committed = true;
        if (old != null) deleteTree(old);
    }

    @Override
    public void close() throws IOException {
        if (!committed) deleteTree(staging);
    }

    /** Deletes a directory and everything under it; a missing one is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
