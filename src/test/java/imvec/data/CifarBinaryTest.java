package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CifarBinaryTest {
    @TempDir
    Path temp;

    /** Red, green and blue values of image {@code seed} at plane offset {@code p}: distinct per channel and pixel. */
    private static int red(int seed, int p) {
        return (p + seed) % 251;
    }

    private static int green(int seed, int p) {
        return (p * 7 + seed) % 253;
    }

    private static int blue(int seed, int p) {
        return 255 - (p + 3 * seed) % 256;
    }

    /** One row in the official layout: label bytes, then the R plane, the G plane, the B plane. */
    private static byte[] row(int seed, int... labelBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b : labelBytes) {
            out.write(b);
        }
        for (int p = 0; p < 1024; p++) out.write(red(seed, p));
        for (int p = 0; p < 1024; p++) out.write(green(seed, p));
        for (int p = 0; p < 1024; p++) out.write(blue(seed, p));
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : rows) out.writeBytes(r);
        return out.toByteArray();
    }

    private static void assertPixelsOf(Image img, int seed) {
        assertThat(img.width()).isEqualTo(32);
        assertThat(img.height()).isEqualTo(32);
        assertThat(img.channels()).isEqualTo(3);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int p = y * 32 + x;
                assertThat(img.sample(y, x, 0)).isEqualTo(red(seed, p));
                assertThat(img.sample(y, x, 1)).isEqualTo(green(seed, p));
                assertThat(img.sample(y, x, 2)).isEqualTo(blue(seed, p));
            }
        }
    }

    /** cifar-10-batches-bin with two images per train batch (labels 2b-2, 2b-1 mod 10) and three test images. */
    private Path cifar10(boolean withMeta) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(Cifar10Set.ARCHIVE_DIR));
        for (int b = 1; b <= 5; b++) {
            int first = 2 * (b - 1);
            Files.write(dir.resolve("data_batch_" + b + ".bin"),
                    concat(row(first, first % 10), row(first + 1, (first + 1) % 10)));
        }
        Files.write(dir.resolve("test_batch.bin"), concat(row(100, 7), row(101, 0), row(102, 9)));
        if (withMeta) {
            Files.writeString(dir.resolve("batches.meta.txt"), String.join("\n", List.of(
                    "plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "lorry")) + "\n\n");
        }
        return dir;
    }

    @Test
    void cifar10PlanesBecomeInterleavedRgb() throws IOException {
        Cifar10Set test = Cifar10Set.open(cifar10(true), "test");

        assertThat(test.size()).isEqualTo(3);
        assertThat(test.label(0)).isEqualTo(7);
        assertThat(test.label(2)).isEqualTo(9);
        assertPixelsOf(test.read(0), 100);
        assertPixelsOf(test.read(2), 102);
        assertThat(test.id(1)).isEqualTo("test:1");
    }

    @Test
    void cifar10TrainJoinsTheFiveBatchesInOrder() throws IOException {
        Cifar10Set train = Cifar10Set.open(cifar10(true), "train");

        assertThat(train.size()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(train.label(i)).isEqualTo(i);
            assertPixelsOf(train.read(i), i);
        }
        assertThat(train.classes()).startsWith("plane", "car").endsWith("lorry").hasSize(10);
    }

    @Test
    void cifar10SpecAcceptsTheParentFolderAndDefaultsToTrain() throws IOException {
        cifar10(false);
        ImageSet set = DataSpecs.open("cifar10-binary:" + temp, null);

        assertThat(set.size()).isEqualTo(10);
        assertThat(set.spec()).isEqualTo("cifar10-binary:" + temp + ":train");
        assertThat(set.classes()).isEqualTo(Cifar10Set.STANDARD_CLASSES);
        assertThat(DataSpecs.open("cifar10-binary:" + temp + ":test", null).size()).isEqualTo(3);
    }

    @Test
    void cifar10WithAMissingBatchNamesIt() throws IOException {
        Path dir = cifar10(false);
        Files.delete(dir.resolve("data_batch_4.bin"));

        assertThatThrownBy(() -> Cifar10Set.open(dir, "train"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("data_batch_4.bin");
    }

    @Test
    void aBatchThatIsNotWholeRowsIsRejected() throws IOException {
        Path dir = cifar10(false);
        Path bad = Files.write(dir.resolve("test_batch.bin"), new byte[3073 + 10]);

        assertThatThrownBy(() -> Cifar10Set.open(dir, "test"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("3073");
    }

    @Test
    void aLabelBeyondTheNamesIsRejected() throws IOException {
        Path dir = cifar10(false);
        Files.write(dir.resolve("test_batch.bin"), row(1, 10));

        assertThatThrownBy(() -> Cifar10Set.open(dir, "test"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("label 10");
    }

    @Test
    void aFolderWithoutCifarFilesSaysWhatItExpected() {
        assertThatThrownBy(() -> DataSpecs.open("cifar10-binary:" + temp + ":test", null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("test_batch.bin")
                .hasMessageContaining(Cifar10Set.ARCHIVE_DIR);
        assertThatThrownBy(() -> DataSpecs.open("cifar10-binary:" + temp.resolve("absent"), null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("does not exist");
    }

    /** cifar-100-binary with real (coarse, fine) pairs: beaver and dolphin are aquatic_mammals (0), aquarium_fish is fish (1). */
    private Path cifar100() throws IOException {
        Path dir = Files.createDirectories(temp.resolve(Cifar100Set.ARCHIVE_DIR));
        Files.write(dir.resolve("train.bin"), concat(row(0, 0, 4), row(1, 0, 30), row(2, 1, 1), row(3, 0, 4)));
        Files.write(dir.resolve("test.bin"), row(50, 13, 99));
        return dir;
    }

    @Test
    void cifar100ExposesFineAndCoarseLabels() throws IOException {
        Cifar100Set set = Cifar100Set.open(cifar100(), "train");

        assertThat(set.size()).isEqualTo(4);
        assertThat(set.classes()).hasSize(100);
        assertThat(set.coarseClasses()).hasSize(20);
        assertThat(set.label(1)).isEqualTo(30);
        assertThat(set.classes().get(set.label(1))).isEqualTo("dolphin");
        assertThat(set.coarseLabel(1)).isZero();
        assertThat(set.coarseClasses().get(set.coarseLabel(1))).isEqualTo("aquatic_mammals");
        assertThat(set.coarseClasses().get(set.coarseLabel(2))).isEqualTo("fish");
        assertThat(set.fineLabelsOf(0)).containsExactly(4, 30);
        assertThat(set.fineLabelsOf(1)).containsExactly(1);
        assertThat(set.fineLabelsOf(5)).isEmpty();
        for (int i = 0; i < 4; i++) {
            assertPixelsOf(set.read(i), i);
        }
    }

    @Test
    void coarseSpecRelabelsBySuperclass() throws IOException {
        cifar100();
        ImageSet coarse = DataSpecs.open("cifar100-binary:" + temp + ":train#coarse", null);
        ImageSet test = DataSpecs.open("cifar100-binary:" + temp + ":test", null);

        assertThat(coarse.spec()).isEqualTo("cifar100-binary:" + temp + ":train#coarse");
        assertThat(coarse.classes()).isEqualTo(Cifar100Set.STANDARD_COARSE_CLASSES);
        assertThat(coarse.label(0)).isZero();
        assertThat(coarse.label(2)).isEqualTo(1);
        assertPixelsOf(coarse.read(3), 3);
        assertThat(test.size()).isEqualTo(1);
        assertThat(test.classes().get(test.label(0))).isEqualTo("worm");
        assertPixelsOf(test.read(0), 50);
    }

    @Test
    void cifar100NamesFilesWinOverTheStandardNames() throws IOException {
        Path dir = cifar100();
        List<String> fine = new java.util.ArrayList<>();
        for (int k = 0; k < 100; k++) fine.add("fine" + k);
        Files.write(dir.resolve("fine_label_names.txt"), fine);
        Files.writeString(dir.resolve("coarse_label_names.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\nq\nr\ns\nt\n");
        Cifar100Set set = Cifar100Set.open(dir, "train");

        assertThat(set.classes().get(30)).isEqualTo("fine30");
        assertThat(set.coarseClasses()).hasSize(20).startsWith("a", "b");
    }

    @Test
    void standardNamesAreCompleteAndInLabelOrder() {
        assertThat(Cifar100Set.STANDARD_FINE_CLASSES).hasSize(100).doesNotHaveDuplicates().isSorted();
        assertThat(Cifar100Set.STANDARD_COARSE_CLASSES).hasSize(20).doesNotHaveDuplicates().isSorted();
        assertThat(Cifar10Set.STANDARD_CLASSES).hasSize(10).doesNotHaveDuplicates();
    }

    @Test
    void coarseIsOnlyForCifar100() {
        assertThatThrownBy(() -> DataSpecs.open("cifar10-binary:" + temp + ":train#coarse", null))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("#coarse");
    }
}
