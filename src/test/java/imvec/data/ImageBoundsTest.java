package imvec.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An image header's size is a claim: a forged one is an unreadable image, not gigabytes of heap. */
class ImageBoundsTest {
    @Test
    void aPngClaiming60000By60000PixelsIsUnreadable() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.write("IHDR".getBytes(StandardCharsets.US_ASCII));
        h.writeInt(60_000);
        h.writeInt(60_000);
        h.write(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB
        byte[] chunk = ihdr.toByteArray();
        data.writeInt(chunk.length - 4);
        data.write(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        data.writeInt((int) crc.getValue());
        assertThatThrownBy(() -> Images.decode(out.toByteArray(), "huge.png"))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageContaining("huge.png").hasMessageContaining("megapixels");
    }
}
