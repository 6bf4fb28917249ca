package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Found by fuzzing: an IDX header may announce millions of images of 0×0 pixels, which hold no bytes. */
class IdxBoundsTest {
    @TempDir
    Path tmp;

    @Test
    void imagesWithoutPixelsAreAUserError() throws IOException {
        Path images = Files.write(tmp.resolve("images.idx"), ByteBuffer.allocate(16).putInt(0x803).putInt(3).putInt(0).putInt(28).array());
        Path labels = Files.write(tmp.resolve("labels.idx"), ByteBuffer.allocate(11).putInt(0x801).putInt(3).put(new byte[3]).array());
        assertThatThrownBy(() -> IdxSet.read(images, labels)).isInstanceOf(UserError.class)
                .hasMessageContaining("images.idx").hasMessageContaining("0x28 pixels");
    }
}
