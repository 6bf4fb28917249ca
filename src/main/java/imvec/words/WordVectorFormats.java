package imvec.words;

import imvec.util.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** The known formats, detection from a file's name and first bytes, and reading. */
public final class WordVectorFormats {
    /** Asked in this order: the most specific signs first, GloVe's headerless text last. */
    private static final List<WordVectorFormat> ALL = List.of(new WinkJson(), new Word2VecBinary(),
            new FastTextVec(), new Word2VecText(), new GloveText());

    private WordVectorFormats() {
    }

    public static List<WordVectorFormat> all() {
        return ALL;
    }

    public static WordVectorFormat named(String name) {
        for (WordVectorFormat f : ALL) if (f.name().equalsIgnoreCase(name)) return f;
        throw new UserError("unknown word-vector format '" + name + "'; use one of "
                + ALL.stream().map(WordVectorFormat::name).toList() + ".");
    }

    /** The format of {@code file}, judged from its name and first 4 KB. */
    public static WordVectorFormat detect(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("word vectors " + file + " do not exist or are not a file.");
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        } catch (IOException e) {
            throw new UserError("cannot read word vectors " + file + ": " + e.getMessage(), e);
        }
        if (head.length == 0) throw new UserError("word vectors " + file + " are empty.");
        for (WordVectorFormat f : ALL) if (f.detects(file, head)) return f;
        throw new UserError(file + " is not a word-vector file imvec knows (GloVe or word2vec text, word2vec binary, fastText .vec, wink JSON).");
    }

    /** Every vector of {@code file}. */
    public static WordVectors read(Path file) {
        return read(file, null, w -> true);
    }

    /** The vectors of the given lower-case words only (null: all), in the detected format. */
    public static WordVectors read(Path file, Set<String> words) {
        return read(file, null, words == null ? w -> true : words::contains);
    }

    /** Reads with an explicit format (null: detect). */
    public static WordVectors read(Path file, WordVectorFormat format, Predicate<String> wanted) {
        WordVectorFormat f = format != null ? format : detect(file);
        try {
            return f.read(file, wanted);
        } catch (IOException e) {
            throw new UserError("cannot read word vectors " + file + " as " + f.name() + ": " + e.getMessage(), e);
        }
    }
}
