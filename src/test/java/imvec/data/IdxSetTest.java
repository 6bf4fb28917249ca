package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxSetTest {
    @TempDir
    Path dir;

    /** Writes an unsigned-byte IDX file, optionally gzipped. */
    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    private static final int COUNT = 5;
    private static final int ROWS = 3;
    private static final int COLS = 4;

    private final byte[] pixels = random(COUNT * ROWS * COLS, 7);
    private final byte[] labels = {2, 0, 4, 4, 1};

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private Path images() throws IOException {
        return write("images.idx", idx(new int[] {COUNT, ROWS, COLS}, pixels));
    }

    private Path labels() throws IOException {
        return write("labels.idx", idx(new int[] {COUNT}, labels));
    }

    @Test
    void roundTripKeepsEveryPixelAndLabel() throws IOException {
        IdxSet set = IdxSet.read(images(), labels());

        assertThat(set.size()).isEqualTo(COUNT);
        assertThat(set.classes()).containsExactly("0", "1", "2", "3", "4");
        for (int i = 0; i < COUNT; i++) {
            Image img = set.read(i);
            assertThat(img.width()).isEqualTo(COLS);
            assertThat(img.height()).isEqualTo(ROWS);
            assertThat(img.channels()).isEqualTo(1);
            assertThat(img.pixels()).isEqualTo(Arrays.copyOfRange(pixels, i * ROWS * COLS, (i + 1) * ROWS * COLS));
            assertThat(set.label(i)).isEqualTo(labels[i]);
        }
        assertThat(set.id(3)).isEqualTo("images.idx:3");
        // Row-major: sample (row 1, column 2) of image 0 is byte 1*COLS+2.
        assertThat(set.read(0).sample(1, 2, 0)).isEqualTo(pixels[COLS + 2] & 0xFF);
    }

    @Test
    void gzippedAndRawFilesGiveIdenticalImages() throws IOException {
        IdxSet raw = IdxSet.read(images(), labels());
        Path gzImages = write("images.gz", gzip(idx(new int[] {COUNT, ROWS, COLS}, pixels)));
        Path gzLabels = write("labels.gz", gzip(idx(new int[] {COUNT}, labels)));
        IdxSet gz = IdxSet.read(gzImages, gzLabels);

        assertThat(gz.size()).isEqualTo(raw.size());
        for (int i = 0; i < COUNT; i++) {
            assertThat(gz.read(i)).usingRecursiveComparison().isEqualTo(raw.read(i));
            assertThat(gz.label(i)).isEqualTo(raw.label(i));
        }
    }

    @Test
    void truncatedRawFileIsAUserErrorNamingIt() throws IOException {
        byte[] full = idx(new int[] {COUNT, ROWS, COLS}, pixels);
        Path cut = write("cut-images.idx", Arrays.copyOf(full, full.length - 5));

        assertThatThrownBy(() -> IdxSet.read(cut, labels()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void truncatedGzipStreamIsAUserErrorNamingIt() throws IOException {
        byte[] gz = gzip(idx(new int[] {COUNT, ROWS, COLS}, pixels));
        Path cut = write("cut-images.gz", Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> IdxSet.read(cut, labels()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(cut.toString());
    }

    @Test
    void cutHeaderIsAUserError() throws IOException {
        Path tiny = write("tiny.idx", new byte[] {0, 0, 8});

        assertThatThrownBy(() -> IdxSet.read(tiny, labels()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(tiny.toString());
    }

    @Test
    void labelsFileGivenAsImagesIsAWrongMagicError() throws IOException {
        Path labels = labels();

        assertThatThrownBy(() -> IdxSet.read(labels, labels))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("0x00000803");
    }

    @Test
    void nonIdxFileIsAWrongMagicError() throws IOException {
        Path text = write("notes.txt", "hello, this is not an IDX file".getBytes());

        assertThatThrownBy(() -> IdxSet.read(images(), text))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(text.toString())
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void nonByteSampleTypeIsRejected() throws IOException {
        byte[] floats = idx(new int[] {COUNT}, new byte[COUNT * 4]);
        floats[2] = 0x0D;
        Path file = write("float-labels.idx", floats);

        assertThatThrownBy(() -> IdxSet.read(images(), file))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("0x0D");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = images();
        Path shortLabels = write("short.idx", idx(new int[] {COUNT - 1}, Arrays.copyOf(labels, COUNT - 1)));

        assertThatThrownBy(() -> IdxSet.read(images, shortLabels))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining(shortLabels.toString());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = idx(new int[] {COUNT}, labels);
        Path longer = write("long.idx", Arrays.copyOf(full, full.length + 3));

        assertThatThrownBy(() -> IdxSet.read(images(), longer))
                .isInstanceOf(UserError.class)
                .hasMessageContaining(longer.toString());
    }

    @Test
    void missingFileIsAUserError() throws IOException {
        Path missing = dir.resolve("nope.idx");

        assertThatThrownBy(() -> IdxSet.read(missing, labels()))
                .isInstanceOf(UserError.class)
                .hasMessage(missing + " does not exist");
    }

    @Test
    void idxSpecOpensTheSameFiles() throws IOException {
        ImageSet set = DataSpecs.open("idx:" + images() + "," + labels(), null);

        assertThat(set.spec()).isEqualTo("idx:" + images() + "," + labels());
        assertThat(set.size()).isEqualTo(COUNT);
        assertThat(set.label(2)).isEqualTo(4);
    }
}
