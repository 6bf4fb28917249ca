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

    @Test
    void aSubsetSuffixOpensTheSubsetTheManifestRecorded() throws IOException {
        for (String c : new String[] {"ants", "bees", "cats"}) {
            Path dir = Files.createDirectories(temp.resolve("imgs/" + c));
            for (int i = 0; i < 4; i++) Files.write(dir.resolve(i + ".png"), FolderSetTest.png(i + 1, "png"));
        }
        String spec = "folder:" + temp.resolve("imgs");

        ImageSet head = DataSpecs.open(spec + "[:5]", null);
        ImageSet spread = DataSpecs.open(spec + "[spread 3]", null);

        assertThat(head.size()).isEqualTo(5);
        assertThat(head.spec()).isEqualTo(spec + "[:5]");
        assertThat(spread.size()).isEqualTo(3);
        // The folder lists class by class; an even spread of 3 over 12 takes one image of each.
        assertThat(java.util.stream.IntStream.range(0, 3).map(spread::label).toArray()).containsExactly(0, 1, 2);
        assertThat(DataSpecs.open(spread.spec(), null).size()).isEqualTo(3);
        assertThat(DataSpecs.open(spec + "[:100]", null).size()).isEqualTo(12);
    }

    @Test
    void anEmptySubsetIsAUserError() {
        assertThatThrownBy(() -> DataSpecs.open("folder:" + temp + "[:0]", null))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 1");
    }
}
