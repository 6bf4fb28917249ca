package imvec.data;

import imvec.util.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FolderSetTest {
    @TempDir
    Path temp;

    /** A small lossless image whose pixels depend on {@code seed}, so images are told apart by content. */
    static byte[] png(int seed, String format) throws IOException {
        BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                img.setRGB(x, y, (seed * 40 + x * 9) << 16 | (y * 50) << 8 | (seed * 13) & 0xFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    private static Map<String, byte[]> files(Object... pathsAndBytes) {
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < pathsAndBytes.length; i += 2) {
            files.put((String) pathsAndBytes[i], (byte[]) pathsAndBytes[i + 1]);
        }
        return files;
    }

    private Path directory(String name, Map<String, byte[]> files) throws IOException {
        Path root = temp.resolve(name);
        for (var e : files.entrySet()) {
            Path file = root.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
        Files.createDirectories(root);
        return root;
    }

    private Path tar(String name, Map<String, byte[]> files, boolean gzip) throws IOException {
        Path archive = temp.resolve(name);
        try (OutputStream file = Files.newOutputStream(archive);
             OutputStream maybeGz = gzip ? new GZIPOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(maybeGz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry("./" + e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    private Map<String, byte[]> nestedFiles() throws IOException {
        return files(
                "train/dog/b.png", png(1, "png"),
                "train/cat/a.PNG", png(2, "png"),
                "train/cat/c.bmp", png(3, "bmp"),
                "train/dog/deep/x.png", png(4, "png"),
                "train/cat/notes.txt", "not an image".getBytes(),
                "train/cat/.hidden.png", "junk".getBytes(),
                "__MACOSX/train/cat/._a.PNG", "resource fork".getBytes(),
                ".git/objects/stray.png", png(9, "png"));
    }

    @Test
    void nestedFolderLabelsAreParentFolderNames() throws IOException {
        FolderSet set = FolderSet.open(directory("nested", nestedFiles()));

        assertThat(set.classes()).containsExactly("cat", "deep", "dog");
        assertThat(ids(set)).containsExactly("train/cat/a.PNG", "train/cat/c.bmp", "train/dog/b.png", "train/dog/deep/x.png");
        assertThat(labelNames(set)).containsExactly("cat", "cat", "dog", "deep");
        assertThat(set.read(2).sample(0, 0, 1)).isZero();
        assertThat(set.read(2).sample(1, 0, 1)).isEqualTo(50);
    }

    @Test
    void flatFolderLabelsAreTheFileNamePrefix() throws IOException {
        Path root = directory("flat", files(
                "n01443537_goldfish.JPEG", jpeg(1),
                "n01440764_tench.jpg", jpeg(2),
                "n01440764_tench_2.png", png(3, "png"),
                "cat.gif", png(4, "gif")));
        FolderSet set = FolderSet.open(root);

        assertThat(ids(set)).containsExactly("cat.gif", "n01440764_tench.jpg", "n01440764_tench_2.png", "n01443537_goldfish.JPEG");
        assertThat(set.classes()).containsExactly("cat", "n01440764", "n01443537");
        assertThat(labelNames(set)).containsExactly("cat", "n01440764", "n01440764", "n01443537");
        assertThat(set.read(3).channels()).isEqualTo(3);
    }

    private static byte[] jpeg(int seed) throws IOException {
        return png(seed, "jpg");
    }

    @Test
    void tarTarGzAndDirectoryGiveIdenticalSets() throws IOException {
        Map<String, byte[]> files = nestedFiles();
        FolderSet dir = FolderSet.open(directory("tree", files));
        FolderSet tar = (FolderSet) DataSpecs.open("folder:" + tar("tree.tar", files, false), null);
        FolderSet tgz = (FolderSet) DataSpecs.open("folder:" + tar("tree.tgz", files, true), null);
        FolderSet tarGz = FolderSet.open(tar("tree.TAR.GZ", files, true));

        for (FolderSet other : List.of(tar, tgz, tarGz)) {
            assertThat(ids(other)).isEqualTo(ids(dir));
            assertThat(other.classes()).isEqualTo(dir.classes());
            assertThat(labelNames(other)).isEqualTo(labelNames(dir));
            for (int i = 0; i < dir.size(); i++) {
                assertThat(other.read(i)).usingRecursiveComparison().isEqualTo(dir.read(i));
            }
        }
        assertThat(tgz.spec()).isEqualTo("folder:" + temp.resolve("tree.tgz"));
    }

    @Test
    void labelsCsvOverridesAndRestricts() throws IOException {
        Path root = directory("csv", nestedFiles());
        Path csv = Files.writeString(temp.resolve("labels.csv"),
                "path,label\n"
                        + "./train/dog/b.png, pet\n"
                        + "\"train/dog/deep/x.png\",\"wild, really\"\n"
                        + "\n"
                        + "train/cat/a.PNG,pet\n");
        ImageSet set = DataSpecs.open("folder:" + root, csv);

        assertThat(ids(set)).containsExactly("train/cat/a.PNG", "train/dog/b.png", "train/dog/deep/x.png");
        assertThat(set.classes()).containsExactly("pet", "wild, really");
        assertThat(labelNames(set)).containsExactly("pet", "pet", "wild, really");
    }

    @Test
    void labelsCsvAppliesToTarsToo() throws IOException {
        Path archive = tar("csv.tar.gz", nestedFiles(), true);
        Path csv = Files.writeString(temp.resolve("labels.csv"), "train/cat/c.bmp,b\ntrain/dog/b.png,a\n");
        ImageSet set = FolderSet.open(archive, csv);

        assertThat(ids(set)).containsExactly("train/cat/c.bmp", "train/dog/b.png");
        assertThat(labelNames(set)).containsExactly("b", "a");
        assertThat(set.classes()).containsExactly("a", "b");
        assertThat(set.read(0)).usingRecursiveComparison().isEqualTo(Images.decode(png(3, "bmp"), "x"));
    }

    @Test
    void labelsCsvNamingAMissingImageIsAUserError() throws IOException {
        Path root = directory("csv-missing", nestedFiles());
        Path csv = Files.writeString(temp.resolve("bad.csv"), "train/dog/b.png,pet\ntrain/dog/zebra.png,wild\n");

        assertThatThrownBy(() -> FolderSet.open(root, csv))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(csv + " line 2")
                .hasMessageContaining("train/dog/zebra.png");
    }

    @Test
    void labelsCsvWithDuplicatesOrWrongFieldsIsAUserError() throws IOException {
        Path root = directory("csv-bad", nestedFiles());
        Path dup = Files.writeString(temp.resolve("dup.csv"), "train/dog/b.png,a\ntrain/dog/b.png,b\n");
        Path three = Files.writeString(temp.resolve("three.csv"), "train/dog/b.png,a,extra\n");

        assertThatThrownBy(() -> FolderSet.open(root, dup)).isInstanceOf(UserError.class).hasMessageContaining("line 2 repeats");
        assertThatThrownBy(() -> FolderSet.open(root, three)).isInstanceOf(UserError.class).hasMessageContaining("3 fields");
    }

    @Test
    void corruptImagesStayInTheSetButCannotBeRead() throws IOException {
        Path root = directory("corrupt", files(
                "a/good.png", png(1, "png"),
                "a/broken.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01}));
        FolderSet set = FolderSet.open(root);

        assertThat(ids(set)).containsExactly("a/broken.jpg", "a/good.png");
        assertThatThrownBy(() -> set.read(0))
                .isInstanceOf(UnreadableImageException.class)
                .satisfies(e -> assertThat(((UnreadableImageException) e).imageId()).isEqualTo("a/broken.jpg"));
        assertThat(set.read(1).width()).isEqualTo(5);
    }

    @Test
    void aFolderWithoutImagesIsAUserError() throws IOException {
        Path root = directory("empty", files("readme.txt", "no images here".getBytes()));
        Path emptyTar = tar("empty.tar", files("x.txt", new byte[3]), false);

        assertThatThrownBy(() -> FolderSet.open(root)).isInstanceOf(UserError.class).hasMessageContaining("no image files");
        assertThatThrownBy(() -> FolderSet.open(emptyTar)).isInstanceOf(UserError.class).hasMessageContaining("no image files");
    }

    @Test
    void badPathsAreUserErrors() throws IOException {
        Path notTar = Files.writeString(temp.resolve("images.zip"), "zip?");
        Path fakeTar = Files.writeString(temp.resolve("fake.tar.gz"), "this is not gzip nor tar");

        assertThatThrownBy(() -> FolderSet.open(temp.resolve("absent"))).isInstanceOf(UserError.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> FolderSet.open(notTar)).isInstanceOf(UserError.class).hasMessageContaining("neither a directory");
        assertThatThrownBy(() -> FolderSet.open(fakeTar)).isInstanceOf(UserError.class).hasMessageContaining(fakeTar.toString());
    }

    @Test
    void aSymbolicLinkLoopIsAUserError() throws IOException {
        Path root = directory("loop", files("a/x.png", png(1, "png")));
        Files.createSymbolicLink(root.resolve("a/back"), root);

        assertThatThrownBy(() -> FolderSet.open(root))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("symbolic-link loop");
    }

    @Test
    void symbolicLinksToFoldersAreFollowed() throws IOException {
        Path elsewhere = directory("elsewhere", files("x.png", png(1, "png")));
        Path root = Files.createDirectories(temp.resolve("linked"));
        Files.createSymbolicLink(root.resolve("cats"), elsewhere);

        assertThat(ids(FolderSet.open(root))).containsExactly("cats/x.png");
    }

    @Test
    void concurrentReadsMatchSequentialReads() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < 24; i++) {
            files.put("c" + (i % 3) + "/img" + i + ".png", png(i, "png"));
        }
        for (FolderSet set : List.of(FolderSet.open(directory("many", files)),
                FolderSet.open(tar("many.tar.gz", files, true)))) {
            List<Image> sequential = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) sequential.add(set.read(i));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Image>> parallel = IntStream.range(0, set.size()).map(i -> set.size() - 1 - i)
                        .mapToObj(i -> pool.submit(() -> set.read(i))).toList();
                for (int i = 0; i < set.size(); i++) {
                    assertThat(parallel.get(set.size() - 1 - i).get()).usingRecursiveComparison().isEqualTo(sequential.get(i));
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void imageNetSampleFolderHasOneImagePerSynset() throws IOException {
        Path samples = TestData.sharedData("imagenet-sample-images");
        ImageSet set = DataSpecs.open("folder:" + samples, null);

        assertThat(set.size()).isEqualTo(1000);
        assertThat(set.classes()).hasSize(1000).isSorted().allMatch(c -> c.matches("n\\d{8}"));
        assertThat(set.classes().getFirst()).isEqualTo("n01440764");
        assertThat(set.id(0)).isEqualTo("n01440764_tench.JPEG");
        assertThat(set.label(0)).isZero();
        for (int i = 0; i < set.size(); i++) {
            assertThat(set.label(i)).isEqualTo(i);
        }
        Image tench = set.read(0);
        assertThat(tench.channels()).isEqualTo(3);
        assertThat(tench.width()).isPositive();
    }

    @Test
    void cifar10TestTarGzHas1000ImagesPerClass() throws IOException {
        Path archive = TestData.sharedData("cifar10/test.tar.gz");
        ImageSet set = DataSpecs.open("folder:" + archive, null);

        assertThat(set.size()).isEqualTo(10_000);
        assertThat(set.classes()).isEqualTo(Cifar10Set.STANDARD_CLASSES);
        int[] counts = new int[10];
        for (int i = 0; i < set.size(); i++) counts[set.label(i)]++;
        assertThat(counts).containsOnly(1000);
        assertThat(set.id(0)).isEqualTo("test/airplane/0000.jpg");
        Image first = set.read(0);
        assertThat(first.width()).isEqualTo(32);
        assertThat(first.height()).isEqualTo(32);
        assertThat(first.channels()).isEqualTo(3);
    }

    private static List<String> ids(ImageSet set) {
        return IntStream.range(0, set.size()).mapToObj(set::id).toList();
    }

    private static List<String> labelNames(ImageSet set) {
        return IntStream.range(0, set.size()).mapToObj(i -> set.classes().get(set.label(i))).toList();
    }
}
