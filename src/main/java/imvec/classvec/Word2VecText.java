package imvec.classvec;

import imvec.store.AtomicFiles;
import imvec.util.UserError;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The word2vec text format ({@code vectors.txt}): a header line {@code count dims}, then one line
 * per vector, {@code token v1 … vd}, separated by single spaces. gensim loads it with
 * {@code KeyedVectors.load_word2vec_format(path, binary=False)}. The reader also takes GloVe's
 * text format, which is the same without the header.
 */
public final class Word2VecText {
    private Word2VecText() {
    }

    /** Writes {@code v} atomically; names become tokens with {@link ClassVectors#token}. */
    public static void write(Path file, ClassVectors v) throws IOException {
        List<String> tokens = v.names().stream().map(ClassVectors::token).toList();
        if (tokens.stream().distinct().count() != tokens.size()) {
            throw new UserError("cannot write " + file + ": two class names give the same token in " + tokens + ".");
        }
        AtomicFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(v.size() + " " + v.dims() + "\n");
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < v.size(); i++) {
                line.setLength(0);
                line.append(tokens.get(i));
                // Float.toString is the shortest text that reads back to the same float.
                for (float x : v.vectors()[i]) line.append(' ').append(Float.toString(x).toLowerCase(Locale.ROOT));
                w.write(line.append('\n').toString());
            }
            w.flush();
        });
    }

    /** Reads a word2vec text file (with header) or a GloVe text file (without). */
    public static ClassVectors read(Path file) {
        List<String> names = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        int expectedCount = -1, dims = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] parts = line.strip().split("[ \\t]+");
                if (lineNo == 1 && parts.length == 2 && isCount(parts[0]) && isCount(parts[1])) {
                    expectedCount = Integer.parseInt(parts[0]);
                    dims = Integer.parseInt(parts[1]);
                    continue;
                }
                if (parts.length < 2) throw new UserError(file + " line " + lineNo + " has a token but no values; is it a word2vec text file?");
                if (dims < 0) dims = parts.length - 1;
                if (parts.length - 1 != dims) {
                    throw new UserError(file + " line " + lineNo + " has " + (parts.length - 1) + " values, not " + dims + ".");
                }
                float[] v = new float[dims];
                for (int j = 0; j < dims; j++) {
                    try {
                        v[j] = Float.parseFloat(parts[j + 1]);
                    } catch (NumberFormatException e) {
                        throw new UserError(file + " line " + lineNo + ": '" + parts[j + 1] + "' is not a number.");
                    }
                }
                names.add(parts[0]);
                vectors.add(v);
            }
        } catch (NoSuchFileException e) {
            throw new UserError("vector file " + file + " does not exist.");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file + " is not UTF-8 text; word2vec binary files are not read here.");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (vectors.isEmpty()) throw new UserError(file + " holds no vectors.");
        if (expectedCount >= 0 && expectedCount != vectors.size()) {
            throw new UserError(file + " says it holds " + expectedCount + " vectors but holds " + vectors.size() + ".");
        }
        return new ClassVectors(names, vectors.toArray(new float[0][]), file.toString());
    }

    private static boolean isCount(String s) {
        return s.matches("\\d{1,9}");
    }
}
