package imvec.data;

import imvec.util.UserError;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** File plumbing the readers share: gzip detection by magic and user-facing I/O errors. */
final class DataFiles {
    private DataFiles() {
    }

    /**
     * Opens a file, transparently gunzipping it when it starts with the gzip magic; the name is
     * not trusted because users often unpack {@code .gz} files but keep the name, or the reverse.
     */
    static InputStream openMaybeGzipped(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    /** Reads a list of names, one a line, ignoring blank lines (the CIFAR meta files end with some). */
    static List<String> readNames(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Turns an I/O failure on a user-named file into one sentence. */
    static UserError unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UserError(file + " does not exist", e);
        }
        if (e instanceof AccessDeniedException) {
            return new UserError(file + " is not readable (permission denied)", e);
        }
        return new UserError("cannot read " + file + " (" + describe(e) + ")", e);
    }

    static String describe(Exception e) {
        // A photo or a binary file where text belongs: the decoder's "Input length = 1" says nothing.
        if (e instanceof java.nio.charset.CharacterCodingException) return "it is not UTF-8 text";
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static Path requireDirectory(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new UserError(what + " " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError(what + " " + dir + " is not a directory");
        }
        return dir;
    }
}
