package imvec.store;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StagedDirectoryTest {
    @TempDir
    Path dir;

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void nothingAppearsUntilTheCommitAndAnAbandonedOneLeavesNothing() throws Exception {
        Path out = dir.resolve("out");
        try (StagedDirectory staged = StagedDirectory.create(out, "done.json")) {
            Files.writeString(staged.path().resolve("a.txt"), "a");
            Files.createDirectories(staged.path().resolve("sub"));
            Files.writeString(staged.path().resolve("sub/b.txt"), "b");
            assertThat(out).doesNotExist();
        }
        assertThat(entries()).isZero();
        try (StagedDirectory staged = StagedDirectory.create(out, "done.json")) {
            Files.writeString(staged.path().resolve("done.json"), "{}");
            staged.commit();
        }
        assertThat(out.resolve("done.json")).exists();
        assertThat(entries()).isEqualTo(1);
    }

    @Test
    void anEarlierOutputIsReplacedButAUsersFolderIsNot() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("done.json"), "old");
        Files.writeString(out.resolve("stale.txt"), "old");
        try (StagedDirectory staged = StagedDirectory.create(out, "done.json")) {
            Files.writeString(staged.path().resolve("done.json"), "new");
            staged.commit();
        }
        assertThat(Files.readString(out.resolve("done.json"))).isEqualTo("new");
        assertThat(out.resolve("stale.txt")).doesNotExist();
        assertThat(entries()).isEqualTo(1);
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> StagedDirectory.create(mine, "done.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("did not write");
        assertThat(mine.resolve("thesis.tex")).exists();
    }

    @Test
    void theHeaderOfAFourDimensionalArrayGivesItsShapeAndDataOffset() throws Exception {
        float[] data = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < data.length; i++) data[i] = i;
        Path file = dir.resolve("maps.npy");
        Npy.write(file, data, 2, 3, 4, 5);
        Npy.Header h = Npy.header(file);
        assertThat(h.shape()).containsExactly(2, 3, 4, 5);
        assertThat(h.descr()).isEqualTo("<f4");
        assertThat(Files.size(file)).isEqualTo(h.dataOffset() + 4L * data.length);
        assertThat(h.dataOffset() % 64).isZero();
    }
}
