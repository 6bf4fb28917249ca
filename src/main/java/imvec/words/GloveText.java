package imvec.words;

import java.nio.file.Path;

/** GloVe's text format: {@code word v1 … vD} per line, no header. */
public final class GloveText extends TextVectorFormat {
    @Override
    public String name() {
        return "glove";
    }

    @Override
    boolean hasHeader() {
        return false;
    }

    @Override
    public boolean detects(Path file, byte[] head) {
        String first = firstLine(head);
        int space = first.indexOf(' ');
        if (space <= 0 || !looksLikeText(head, 0)) return false;
        try {
            Float.parseFloat(first.substring(space + 1).trim().split(" +")[0]);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
