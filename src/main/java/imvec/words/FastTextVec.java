package imvec.words;

import java.nio.file.Path;

/**
 * fastText's {@code .vec} files: word2vec's text layout (header, then one word a line, often with
 * a trailing space). Told apart from word2vec only by the file name, which is all that differs.
 */
public final class FastTextVec extends TextVectorFormat {
    @Override
    public String name() {
        return "fasttext-vec";
    }

    @Override
    boolean hasHeader() {
        return true;
    }

    @Override
    public boolean detects(Path file, byte[] head) {
        return endsWith(file, ".vec") && header(firstLine(head)) != null && looksLikeText(head, 0);
    }
}
