package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSpecsTest {
    @TempDir
    Path temp;

    @Test
    void unknownSchemeListsEveryValidScheme() {
        assertThatThrownBy(() -> DataSpecs.open("mnist:train", null))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("unknown data spec 'mnist:train'")
                .hasMessageContainingAll("fashion-mnist:", "idx:", "cifar10-binary:", "cifar100-binary:", "folder:");
    }

    @Test
    void missingOrIncompleteSpecsAreUserErrors() {
        assertThatThrownBy(() -> DataSpecs.open(" ", null)).isInstanceOf(UserError.class).hasMessageContaining("no data spec");
        assertThatThrownBy(() -> DataSpecs.open("folder:", null)).isInstanceOf(UserError.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> DataSpecs.open("cifar10-binary::test", null)).isInstanceOf(UserError.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> DataSpecs.open("fashion-mnist:validation", null))
                .isInstanceOf(UserError.class).hasMessageContaining("train and test");
    }

    @Test
    void idxNeedsExactlyTwoFiles() {
        assertThatThrownBy(() -> DataSpecs.open("idx:images.gz", null))
                .isInstanceOf(UserError.class).hasMessageContaining("idx:IMAGES,LABELS");
        assertThatThrownBy(() -> DataSpecs.open("idx:a,b,c", null))
                .isInstanceOf(UserError.class).hasMessageContaining("idx:IMAGES,LABELS");
    }

    @Test
    void labelsCsvIsOnlyForFolders() throws IOException {
        Path csv = Files.writeString(temp.resolve("l.csv"), "a.png,x\n");

        assertThatThrownBy(() -> DataSpecs.open("fashion-mnist:test", csv))
                .isInstanceOf(UserError.class).hasMessageContaining("folder:");
    }

    @Test
    void folderPathThatDoesNotExistIsNamed() {
        Path absent = temp.resolve("nowhere");

        assertThatThrownBy(() -> DataSpecs.open("folder:" + absent, null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(absent.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void tildeMeansTheHomeDirectory() {
        String home = System.getProperty("user.home");
        assertThatThrownBy(() -> DataSpecs.open("folder:~/surely-absent-imvec-dir", null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(Path.of(home, "surely-absent-imvec-dir").toString());
    }

    @Test
    void folderSpecIsRecordedVerbatim() throws IOException {
        Path root = Files.createDirectories(temp.resolve("imgs/cats"));
        Files.write(root.resolve("a.png"), FolderSetTest.png(1, "png"));
        ImageSet set = DataSpecs.open("folder:" + temp.resolve("imgs"), null);

        assertThat(set.spec()).isEqualTo("folder:" + temp.resolve("imgs"));
        assertThat(set.classes()).containsExactly("cats");
    }
}
