package imvec.words;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

/** Every word-vector format on arbitrary bytes: vectors or a {@link UserError}, nothing else. */
class WordVectorsFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void gloveText(byte[] bytes) {
        read(bytes, "vectors.txt", "glove");
    }

    @FuzzTest(maxDuration = "90s")
    void word2vecText(byte[] bytes) {
        read(bytes, "vectors.txt", "word2vec-text");
    }

    @FuzzTest(maxDuration = "90s")
    void word2vecBinary(byte[] bytes) {
        read(bytes, "vectors.bin", "word2vec-binary");
    }

    @FuzzTest(maxDuration = "90s")
    void fastTextVec(byte[] bytes) {
        read(bytes, "vectors.vec", "fasttext-vec");
    }

    @FuzzTest(maxDuration = "90s")
    void winkJson(byte[] bytes) {
        read(bytes, "vectors.json", "wink-json");
    }

    /** Detection from name and first bytes, then reading, as `imvec words` does. */
    @FuzzTest(maxDuration = "90s")
    void detected(byte[] bytes) {
        read(bytes, "vectors.txt", null);
    }

    private static void read(byte[] bytes, String fileName, String format) {
        try {
            WordVectorFormats.read(FuzzFiles.write(fileName, bytes), format == null ? null : WordVectorFormats.named(format), w -> true);
        } catch (UserError expected) {
            // refused
        }
    }
}
