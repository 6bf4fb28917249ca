package imvec.words;

import imvec.util.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The one-vector-per-line text layout shared by GloVe, word2vec and fastText: a word, a space and
 * its numbers separated by spaces. word2vec and fastText put a "count dims" header line first.
 * A word ends at the first space, so words containing spaces are not supported.
 */
abstract class TextVectorFormat implements WordVectorFormat {
    /** Whether the first line is a "count dims" header. */
    abstract boolean hasHeader();

    @Override
    public WordVectors read(Path file, Predicate<String> wanted) throws IOException {
        WordVectors.Sink sink = new WordVectors.Sink(file.toString());
        long declared = -1;
        int dims = -1;
        long lineNo = 0, words = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
                line = stripEnd(line);
                if (line.isEmpty()) continue;
                if (lineNo == 1 && hasHeader()) {
                    long[] h = header(line);
                    if (h == null) {
                        throw new UserError(file + " is not " + name() + ": its first line should be the word count and dimensions, e.g. '400000 100', but is '" + clip(line) + "'.");
                    }
                    declared = h[0];
                    dims = (int) h[1];
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0) throw new UserError(file + " line " + lineNo + " has a word but no numbers.");
                String word = line.substring(0, space);
                words++;
                boolean first = dims < 0;
                if (!first && !wanted.test(Words.lower(word))) continue;
                float[] v = parse(line, space + 1, file, lineNo);
                if (first) dims = v.length;
                if (v.length != dims) {
                    throw new UserError(file + " line " + lineNo + " ('" + clip(word) + "') has " + v.length
                            + " numbers but " + (hasHeader() ? "the header says " : "the first vector has ") + dims + ".");
                }
                if (wanted.test(Words.lower(word))) sink.add(word, v);
            }
        }
        if (declared >= 0 && declared != words) {
            throw new UserError(file + " declares " + declared + " words in its header but holds " + words + "; is it truncated?");
        }
        if (words == 0) throw new UserError(file + " holds no word vectors.");
        return sink.done(name(), words);
    }

    /** Space-separated floats from {@code from} to the end of the line. */
    static float[] parse(String line, int from, Path file, long lineNo) {
        int n = 0;
        float[] out = new float[64];
        int i = from, len = line.length();
        while (i < len) {
            while (i < len && line.charAt(i) == ' ') i++;
            if (i >= len) break;
            int j = line.indexOf(' ', i);
            if (j < 0) j = len;
            String tok = line.substring(i, j);
            float f;
            try {
                f = Float.parseFloat(tok);
            } catch (NumberFormatException e) {
                throw new UserError(file + " line " + lineNo + " has '" + clip(tok) + "' where a number should be.");
            }
            if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
            out[n++] = f;
            i = j;
        }
        if (n == 0) throw new UserError(file + " line " + lineNo + " has a word but no numbers.");
        return java.util.Arrays.copyOf(out, n);
    }

    /** {count, dims} when the line is two positive integers, else null. */
    static long[] header(String line) {
        String[] p = line.trim().split(" +");
        if (p.length != 2) return null;
        try {
            long count = Long.parseLong(p[0]), dims = Long.parseLong(p[1]);
            return count >= 0 && dims > 0 && dims < 1_000_000 ? new long[]{count, dims} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The first line of {@code head} as text (without line end). */
    static String firstLine(byte[] head) {
        int end = 0;
        while (end < head.length && head[end] != '\n') end++;
        return stripEnd(new String(head, 0, end, StandardCharsets.UTF_8));
    }

    /** Whether bytes look like text: no NUL and few control characters. */
    static boolean looksLikeText(byte[] head, int from) {
        for (int i = from; i < head.length; i++) {
            int b = head[i] & 0xff;
            if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t')) return false;
        }
        return true;
    }

    static String stripEnd(String s) {
        int e = s.length();
        while (e > 0 && Character.isWhitespace(s.charAt(e - 1))) e--;
        return s.substring(0, e);
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    static boolean endsWith(Path file, String... suffixes) {
        String n = Words.lower(file.getFileName().toString());
        for (String s : suffixes) if (n.endsWith(s)) return true;
        return false;
    }
}
