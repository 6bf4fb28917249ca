package imvec.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class FashionMnistTest {
    @TempDir
    Path temp;

    private static int[] countsPerClass(ImageSet set) {
        int[] counts = new int[set.classes().size()];
        for (int i = 0; i < set.size(); i++) {
            counts[set.label(i)]++;
        }
        return counts;
    }

    /** The first {@code n} decompressed bytes of a gzip file, read independently of the IDX reader. */
    private static byte[] gunzipPrefix(Path gz, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readNBytes(n);
        }
    }

    @Test
    void testSplitHas1000GreyImagesPerClass() throws IOException {
        Path debian = TestData.fashionMnistDebian();
        ImageSet set = DataSpecs.open("fashion-mnist:test", null);

        assertThat(set.spec()).isEqualTo("fashion-mnist:test");
        assertThat(set.size()).isEqualTo(10_000);
        assertThat(set.classes()).containsExactlyElementsOf(FashionMnist.CLASSES);
        assertThat(countsPerClass(set)).containsOnly(1000);
        Image first = set.read(0);
        assertThat(first.width()).isEqualTo(28);
        assertThat(first.height()).isEqualTo(28);
        assertThat(first.channels()).isEqualTo(1);

        byte[] labelHeaderAndFirst = gunzipPrefix(debian.resolve("t10k-labels-idx1-ubyte.gz"), 9);
        assertThat(set.label(0)).isEqualTo(labelHeaderAndFirst[8]).isEqualTo(9);
        assertThat(set.classes().get(set.label(0))).isEqualTo("Ankle boot");
        byte[] imageHeaderAndFirst = gunzipPrefix(debian.resolve("t10k-images-idx3-ubyte.gz"), 16 + 784);
        assertThat(first.pixels()).isEqualTo(java.util.Arrays.copyOfRange(imageHeaderAndFirst, 16, 16 + 784));
        assertThat(set.id(9_999)).isEqualTo("test:9999");
    }

    @Test
    void trainSplitHas6000ImagesPerClass() {
        TestData.fashionMnistDebian();
        ImageSet set = DataSpecs.open("fashion-mnist:train", null);

        assertThat(set.size()).isEqualTo(60_000);
        assertThat(countsPerClass(set)).containsOnly(6000);
    }

    /**
     * The official file is the Debian file with the gzip header Debian rewrote put back:
     * FNAME flag, original mtime, stored name. Its MD5 must be the one the README publishes.
     */
    static byte[] officialBytes(Path debianDir, FashionMnist.OfficialFile file) throws IOException {
        byte[] debian = Files.readAllBytes(debianDir.resolve(file.gzName()));
        assertThat(debian[3]).as("Debian gzip header flags").isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 8});
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) file.mtime()).array());
        out.write(new byte[] {0, 3});
        out.write(file.name().getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
        out.write(debian, 10, debian.length - 10);
        return out.toByteArray();
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    @Test
    void officialChecksumsFollowFromTheDebianFiles() throws Exception {
        Path debian = TestData.fashionMnistDebian();
        for (FashionMnist.OfficialFile file : new FashionMnist.OfficialFile[] {
                FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS}) {
            byte[] official = officialBytes(debian, file);

            assertThat(official.length).as(file.name()).isEqualTo(file.size());
            assertThat(hex("MD5", official)).as(file.name()).isEqualTo(file.md5());
            assertThat(hex("SHA-256", official)).as(file.name()).isEqualTo(file.sha256());
        }
    }

    @Test
    void withoutTheDebianPackageItDownloadsVerifiesAndThenReusesTheFiles() throws Exception {
        Path debian = TestData.fashionMnistDebian();
        Path dataDir = temp.resolve("data").resolve("fashion-mnist");
        try (LocalHttpServer server = new LocalHttpServer()) {
            for (FashionMnist.OfficialFile file : new FashionMnist.OfficialFile[] {
                    FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS}) {
                server.serve("/fm/" + file.gzName(), officialBytes(debian, file));
            }
            FashionMnist offline = new FashionMnist(temp.resolve("no-debian"), dataDir, server.uri("/fm/"),
                    new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10)));

            ImageSet downloaded = offline.open("test", Downloader.Progress.NONE);
            ImageSet reference = new FashionMnist().open("test", Downloader.Progress.NONE);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(dataDir.resolve("t10k-images-idx3-ubyte.gz")).exists();
            assertThat(downloaded.size()).isEqualTo(reference.size());
            for (int i : new int[] {0, 1, 4_321, 9_999}) {
                assertThat(downloaded.label(i)).isEqualTo(reference.label(i));
                assertThat(downloaded.read(i).pixels()).isEqualTo(reference.read(i).pixels());
            }

            offline.open("test", Downloader.Progress.NONE);
            assertThat(server.requests()).as("second open uses the cached files").isEqualTo(2);
        }
    }
}
