package imvec.data;

/**
 * A decoded image: 8-bit samples, interleaved height × width × channels (row-major, HWC),
 * with 1 (grey) or 3 (RGB) channels. Readers convert CMYK, palette and alpha images to RGB.
 */
public record Image(int width, int height, int channels, byte[] pixels) {
    public Image {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image has 1 or 3 channels, not " + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length
                    + " samples, expected " + width + "×" + height + "×" + channels);
        }
    }

    /** Sample at row y, column x, channel c as 0..255. */
    public int sample(int y, int x, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
