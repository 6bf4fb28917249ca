package imvec.store;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sizes in a .npy header are claims: reading must check them against the file before allocating. */
class NpyBoundsTest {
    @TempDir
    Path tmp;

    private Path npy(int major, String dict, int headerLenClaim, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) len.putShort((short) headerLenClaim); else len.putInt(headerLenClaim);
        out.write(len.array());
        out.write(dict.getBytes(StandardCharsets.ISO_8859_1));
        out.write(payload);
        return Files.write(tmp.resolve("x.npy"), out.toByteArray());
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }\n";
    }

    @Test
    void aHeaderClaiming2To31RowsIsAUserErrorNotAnAllocation() throws IOException {
        String d = dict("<f8", "2147483647, 1");
        Path p = npy(1, d, d.length(), new byte[16]);
        assertThatThrownBy(() -> Npy.read(p)).isInstanceOf(UserError.class).hasMessageContaining("x.npy");
        String e = dict("<f4", "268435456,");
        Path q = npy(1, e, e.length(), new byte[16]);
        assertThatThrownBy(() -> Npy.read(q)).isInstanceOf(UserError.class).hasMessageContaining("truncated");
    }

    @Test
    void aVersion2HeaderLengthBeyondTheFileIsAUserError() throws IOException {
        String d = dict("<f4", "1,");
        Path p = npy(2, d, Integer.MAX_VALUE, new byte[4]);
        assertThatThrownBy(() -> Npy.read(p)).isInstanceOf(UserError.class).hasMessageContaining("header");
        Path q = npy(2, d, -5, new byte[4]);
        assertThatThrownBy(() -> Npy.read(q)).isInstanceOf(UserError.class).hasMessageContaining("header");
    }

    @Test
    void negativeOrNonNumericShapesAndOutOfRangeInt64AreUserErrors() throws IOException {
        String neg = dict("<f4", "-1, 2");
        Path p = npy(1, neg, neg.length(), new byte[8]);
        assertThatThrownBy(() -> Npy.read(p)).isInstanceOf(UserError.class).hasMessageContaining("negative");
        String word = dict("<f4", "two,");
        Path q = npy(1, word, word.length(), new byte[8]);
        assertThatThrownBy(() -> Npy.read(q)).isInstanceOf(UserError.class).hasMessageContaining("shape");
        String big = dict("<i8", "1,");
        Path r = npy(1, big, big.length(), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Npy.read(r)).isInstanceOf(UserError.class).hasMessageContaining("int32");
    }
}
