package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A labels CSV (the explorer's labels.csv) relabels any data spec by image id, and the result reopens from its spec. */
class RelabelledSetTest {
    @TempDir
    Path dir;

    /** An IDX pair of {@code n} 2×2 images whose pixels are all {@code first + i}, labels {@code i % 3}; ids {@code NAME.idx:i}. */
    private String idxSpec(String name, int n, int first) throws IOException {
        byte[] pixels = new byte[n * 4];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) pixels[i * 4 + p] = (byte) (first + i);
            labels[i] = (byte) (i % 3);
        }
        Path images = Files.write(dir.resolve(name + ".idx"), IdxSetTest.idx(new int[] {n, 2, 2}, pixels));
        Path lab = Files.write(dir.resolve(name + "-labels.idx"), IdxSetTest.idx(new int[] {n}, labels));
        return "idx:" + images + "," + lab;
    }

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("labels-" + text.hashCode() + ".csv"), text);
    }

    private static List<String> ids(ImageSet set) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) out.add(set.id(i));
        return out;
    }

    private static List<String> labelNames(ImageSet set) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) out.add(set.classes().get(set.label(i)));
        return out;
    }

    @Test
    void keepsTheNamedImagesInTheSetsOrderWithTheCsvsLabels() throws IOException {
        String spec = idxSpec("train", 6, 10);
        Path labels = csv("path,label\ntrain.idx:4,coat\ntrain.idx:1,shirt\ntrain.idx:5,coat\n");

        ImageSet set = DataSpecs.open(spec, labels);

        assertThat(ids(set)).containsExactly("train.idx:1", "train.idx:4", "train.idx:5");
        assertThat(set.classes()).containsExactly("coat", "shirt");
        assertThat(labelNames(set)).containsExactly("shirt", "coat", "coat");
        assertThat(set.read(1).pixels()).containsOnly((byte) 14);
    }

    @Test
    void itsSpecEndsInTheLabelsFileAndReopensToTheSameSetSubsetsIncluded() throws IOException {
        String spec = idxSpec("train", 6, 10);
        Path labels = csv("train.idx:0,a\ntrain.idx:3,b\ntrain.idx:2,a\n");
        ImageSet set = DataSpecs.open(spec + "[:2]", labels);

        assertThat(set.spec()).isEqualTo(spec + RelabelledSet.FRAGMENT + labels.toAbsolutePath() + "[:2]");
        ImageSet reopened = DataSpecs.open(set.spec(), null);
        assertThat(ids(reopened)).containsExactly("train.idx:0", "train.idx:2").isEqualTo(ids(set));
        assertThat(labelNames(reopened)).containsExactly("a", "a");
        assertThat(ids(DataSpecs.open(set.spec(), labels))).isEqualTo(ids(set));
    }

    @Test
    void joinedSpecsAreRelabelledAsOneSetAndPartSubsetsStayWithTheirParts() throws IOException {
        String train = idxSpec("train", 5, 0);
        String test = idxSpec("test", 4, 100);
        Path labels = csv("test.idx:3,boot\ntrain.idx:2,boot\ntrain.idx:0,bag\n");

        ImageSet joined = DataSpecs.open(train + "+" + test, labels);

        assertThat(ids(joined)).containsExactly("train.idx:0", "train.idx:2", "test.idx:3");
        assertThat(labelNames(joined)).containsExactly("bag", "boot", "boot");
        assertThat(joined.read(2).pixels()).containsOnly((byte) 103);
        assertThat(ids(DataSpecs.open(train + "[:2]+" + test + "[:1]", null)))
                .containsExactly("train.idx:0", "train.idx:1", "test.idx:0");
    }

    @Test
    void aCsvNamingAnImageOfAnotherSetIsAUserErrorWithAnExampleId() throws IOException {
        String train = idxSpec("train", 5, 0);
        Path labels = csv("train.idx:1,a\ntest.idx:3,b\n");

        assertThatThrownBy(() -> DataSpecs.open(train, labels))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(labels + " line 2 names test.idx:3")
                .hasMessageContaining("named like 'train.idx:0'");
    }

    @Test
    void aSpecWithItsOwnLabelsFileRefusesADifferentOne() throws IOException {
        String train = idxSpec("train", 5, 0);
        Path one = csv("train.idx:1,a\n");
        Path other = csv("train.idx:2,b\n");

        assertThatThrownBy(() -> DataSpecs.open(train + RelabelledSet.FRAGMENT + one, other))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("give one of them");
    }

    @Test
    void joinedSetsWithRepeatedIdsCannotBeRelabelled() throws IOException {
        String train = idxSpec("train", 3, 0);
        Path labels = csv("train.idx:1,a\n");

        assertThatThrownBy(() -> DataSpecs.open(train + "+" + train, labels))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("two images named 'train.idx:0'");
    }
}
