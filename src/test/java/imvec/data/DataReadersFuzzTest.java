package imvec.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

import java.nio.file.Path;
import java.util.List;

/**
 * The dataset readers on arbitrary bytes: every input ends in data or a {@link UserError} (an
 * image in an {@link UnreadableImageException}), never another exception, an OutOfMemoryError
 * from a size a header claims, or a hang. `mvn test` replays the saved inputs under
 * {@code DataReadersFuzzTestInputs/}; JAZZER_FUZZ=1 fuzzes.
 */
class DataReadersFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void idx(byte[] bytes) {
        Path images = FuzzFiles.write("images.idx", bytes);
        try {
            IdxFile f = IdxFile.read(images, IdxFile.IMAGES_MAGIC, "images");
            int n = f.dims().length == 0 ? 0 : f.dims()[0];
            // A matching label file is this harness's own allocation: keep it small.
            if (n > 1 << 16) return;
            byte[] labels = new byte[8 + n];
            labels[2] = 8;
            labels[3] = 1;
            labels[4] = (byte) (n >>> 24);
            labels[5] = (byte) (n >>> 16);
            labels[6] = (byte) (n >>> 8);
            labels[7] = (byte) n;
            IdxSet set = IdxSet.read(images, FuzzFiles.write("labels.idx", labels));
            if (set.size() > 0) set.read(set.size() - 1);
        } catch (UserError expected) {
            // a one-sentence refusal is a correct answer to a bad file
        }
    }

    @FuzzTest(maxDuration = "90s")
    void cifar(byte[] bytes) {
        try {
            CifarRows rows = CifarRows.load(List.of(FuzzFiles.write("data_batch_1.bin", bytes)), 1);
            rows.size();
        } catch (UserError expected) {
            // refused
        }
    }

    @FuzzTest(maxDuration = "90s")
    void labelsCsv(byte[] bytes) {
        try {
            LabelsCsv.read(FuzzFiles.write("labels.csv", bytes));
        } catch (UserError expected) {
            // refused
        }
    }

    @FuzzTest(maxDuration = "90s")
    void images(byte[] bytes) {
        try {
            Image img = Images.decode(bytes, "fuzz");
            if (img.pixels().length != (long) img.width() * img.height() * img.channels()) {
                throw new AssertionError("decoded " + img.pixels().length + " bytes for " + img.width() + "x" + img.height());
            }
        } catch (UnreadableImageException | UserError expected) {
            // refused
        }
    }
}
