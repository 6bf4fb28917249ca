package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NameListTest {
    @TempDir
    Path dir;

    @Test
    void namesAreTheNonBlankLinesStripped() throws IOException {
        Path f = Files.writeString(dir.resolve("unseen.txt"), " cat\n\ndog \r\nsea lion\n");
        assertThat(NameList.read(f, "list")).containsExactly("cat", "dog", "sea lion");
    }

    @Test
    void aBinaryFileAMissingOneADirectoryAndAnEmptyOneAreOneSentenceEach() throws IOException {
        Path binary = Files.write(dir.resolve("photo.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16});
        assertThatThrownBy(() -> NameList.read(binary, "labels file")).isInstanceOf(UserError.class)
                .hasMessageContaining("not UTF-8 text").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> NameList.read(dir.resolve("none.txt"), "labels file")).isInstanceOf(UserError.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> NameList.read(dir, "labels file")).isInstanceOf(UserError.class)
                .hasMessageContaining("is not a file");
        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n  \n");
        assertThatThrownBy(() -> NameList.read(blank, "labels file")).isInstanceOf(UserError.class)
                .hasMessageContaining("lists no names");
    }
}
