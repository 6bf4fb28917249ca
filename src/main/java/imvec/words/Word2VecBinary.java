package imvec.words;

import imvec.util.UserError;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * word2vec's binary format: an ASCII {@code count dims} line, then per word its UTF-8 bytes, a
 * space and {@code dims} little-endian float32 values (word2vec writes a newline after each vector;
 * some writers do not, so leading newlines of a word are skipped).
 */
public final class Word2VecBinary implements WordVectorFormat {
    @Override
    public String name() {
        return "word2vec-binary";
    }

    @Override
    public boolean detects(Path file, byte[] head) {
        String first = TextVectorFormat.firstLine(head);
        if (TextVectorFormat.header(first) == null) return false;
        int bodyStart = Math.min(head.length, first.getBytes(StandardCharsets.UTF_8).length + 1);
        return TextVectorFormat.endsWith(file, ".bin") || !TextVectorFormat.looksLikeText(head, bodyStart);
    }

    @Override
    public WordVectors read(Path file, Predicate<String> wanted) throws IOException {
        WordVectors.Sink sink = new WordVectors.Sink(file.toString());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            String first = line(in);
            long[] h = first == null ? null : TextVectorFormat.header(first);
            if (h == null) {
                throw new UserError(file + " is not word2vec binary: its first line should be the word count and dimensions, e.g. '3000000 300'.");
            }
            int dims = (int) h[1];
            byte[] raw = new byte[dims * Float.BYTES];
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (long w = 0; w < h[0]; w++) {
                String word = word(in, file);
                if (word == null) {
                    throw new UserError(file + " declares " + h[0] + " words but ends after " + w + "; is it truncated?");
                }
                if (in.readNBytes(raw, 0, raw.length) != raw.length) {
                    throw new UserError(file + " ends inside the vector of '" + TextVectorFormat.clip(word) + "'; is it truncated?");
                }
                if (!wanted.test(Words.lower(word))) continue;
                float[] v = new float[dims];
                buf.rewind();
                buf.asFloatBuffer().get(v);
                sink.add(word, v);
            }
            return sink.done(name(), h[0]);
        }
    }

    /** Bytes up to a newline, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > 100) return null;
            b.write(c);
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8).trim();
    }

    /** A word: bytes up to a space, after skipping newlines; null at the end of the stream. */
    private static String word(InputStream in, Path file) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) == '\n' || c == '\r') {
            // the newline word2vec writes after each vector
        }
        while (c >= 0 && c != ' ') {
            b.write(c);
            if (b.size() > 10_000) throw new UserError(file + " has no space after a word within 10,000 bytes; it is not word2vec binary.");
            c = in.read();
        }
        if (c < 0) return null;
        return b.toString(StandardCharsets.UTF_8);
    }
}
