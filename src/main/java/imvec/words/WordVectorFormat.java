package imvec.words;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * One file format of word vectors. A new format is one new class listed in
 * {@link WordVectorFormats}.
 */
public interface WordVectorFormat {
    /** Short name used on the command line and in provenance, e.g. {@code glove}. */
    String name();

    /**
     * Whether a file with this name, starting with these bytes, looks like this format. Formats are
     * asked in a fixed order, so a format may claim anything its predecessors left.
     */
    boolean detects(Path file, byte[] head);

    /**
     * Reads the vectors of the words that {@code wanted} accepts; {@code wanted} sees each word
     * lower-cased, and only accepted words have their numbers parsed, so a large file costs little
     * more than a scan when only a few hundred words are needed.
     */
    WordVectors read(Path file, Predicate<String> wanted) throws IOException;
}
