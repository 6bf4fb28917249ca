package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Word2VecTextTest {
    @TempDir
    Path dir;

    private static ClassVectors random(List<String> names, int d, long seed) {
        Random r = new Random(seed);
        float[][] v = new float[names.size()][d];
        for (float[] row : v) for (int k = 0; k < d; k++) row[k] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
        return new ClassVectors(names, v, "test");
    }

    @Test
    void writtenFileReadsBackExactlyThroughAnIndependentReader() throws Exception {
        ClassVectors v = random(List.of("airplane", "ankle boot", "T-shirt/top", "cat"), 7, 3);
        Path f = dir.resolve("vectors.txt");
        Word2VecText.write(f, v);

        // The format gensim's load_word2vec_format(binary=False) expects, read by hand.
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("4 7");
        assertThat(lines).hasSize(5);
        for (int i = 0; i < 4; i++) {
            String[] parts = lines.get(i + 1).split(" ");
            assertThat(parts).hasSize(8);
            assertThat(parts[0]).isEqualTo(v.names().get(i).replace(' ', '_'));
            for (int k = 0; k < 7; k++) assertThat(Float.parseFloat(parts[k + 1])).isEqualTo(v.vectors()[i][k]);
        }

        ClassVectors back = Word2VecText.read(f);
        assertThat(back.names()).containsExactly("airplane", "ankle_boot", "T-shirt/top", "cat");
        for (int i = 0; i < 4; i++) assertThat(back.vectors()[i]).containsExactly(v.vectors()[i]);
    }

    @Test
    void readsGloveTextWithoutHeader() throws Exception {
        Path f = dir.resolve("glove.txt");
        Files.writeString(f, "the 0.1 -0.2 3e-3\ncat 1 2 3\n");
        ClassVectors v = Word2VecText.read(f);
        assertThat(v.names()).containsExactly("the", "cat");
        assertThat(v.vectors()[0]).containsExactly(0.1f, -0.2f, 0.003f);
    }

    @Test
    void badFilesGiveOneClearError() throws Exception {
        Path missing = dir.resolve("none.txt");
        assertThatThrownBy(() -> Word2VecText.read(missing)).isInstanceOf(UserError.class).hasMessageContaining("does not exist");
        Path ragged = dir.resolve("ragged.txt");
        Files.writeString(ragged, "2 3\na 1 2 3\nb 1 2\n");
        assertThatThrownBy(() -> Word2VecText.read(ragged)).isInstanceOf(UserError.class).hasMessageContaining("line 3 has 2 values, not 3");
        Path count = dir.resolve("count.txt");
        Files.writeString(count, "3 2\na 1 2\nb 1 2\n");
        assertThatThrownBy(() -> Word2VecText.read(count)).isInstanceOf(UserError.class).hasMessageContaining("says it holds 3");
        Path word = dir.resolve("word.txt");
        Files.writeString(word, "a 1 x\n");
        assertThatThrownBy(() -> Word2VecText.read(word)).isInstanceOf(UserError.class).hasMessageContaining("'x' is not a number");
    }

    @Test
    void namesThatCollideAsTokensAreRefused() {
        ClassVectors v = random(List.of("ankle boot", "ankle_boot"), 2, 1);
        assertThatThrownBy(() -> Word2VecText.write(dir.resolve("v.txt"), v)).isInstanceOf(UserError.class)
                .hasMessageContaining("same token");
        assertThat(dir.resolve("v.txt")).doesNotExist();
    }
}
