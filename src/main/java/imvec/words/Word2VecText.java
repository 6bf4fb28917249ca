package imvec.words;

import java.nio.file.Path;

/** word2vec's text format: a {@code count dims} header line, then {@code word v1 … vD} per line. */
public final class Word2VecText extends TextVectorFormat {
    @Override
    public String name() {
        return "word2vec-text";
    }

    @Override
    boolean hasHeader() {
        return true;
    }

    @Override
    public boolean detects(Path file, byte[] head) {
        return header(firstLine(head)) != null && looksLikeText(head, 0);
    }
}
