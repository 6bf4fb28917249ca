package imvec.data;

/**
 * A decoded image: 8-bit samples, interleaved height × width × channels (row-major, HWC),
 * with 1 (grey) or 3 (RGB) channels. Readers convert CMYK, palette and alpha images to RGB.
 * A JPEG decoder may hand back a reduced-size image (DCT scaling); {@link #origin} then keeps
 * the stored size and the scale, so resizing maps onto exactly the same region of the picture.
 */
public record Image(int width, int height, int channels, byte[] pixels, Origin origin) {
    /**
     * The full-resolution size of the stored image, and {@code scale}, the number of these
     * pixels per stored pixel along each axis (1, or a DCT scaling factor such as 5/8).
     * Pixel {@code i} covers the stored image's {@code [i/scale, (i+1)/scale)}, and the
     * decoded size is the stored size times {@code scale}, rounded up.
     */
    public record Origin(int width, int height, double scale) {
        public Origin {
            if (!(scale > 0 && scale <= 1)) throw new IllegalArgumentException("scale must lie in (0, 1], got " + scale);
        }
    }

    public Image {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("an image has 1 or 3 channels, not " + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixel buffer holds " + pixels.length
                    + " samples, expected " + width + "×" + height + "×" + channels);
        }
        if (width != (int) Math.ceil(origin.width() * origin.scale())
                || height != (int) Math.ceil(origin.height() * origin.scale())) {
            throw new IllegalArgumentException(width + "×" + height + " is not " + origin.width() + "×"
                    + origin.height() + " scaled by " + origin.scale());
        }
    }

    /** An image at its stored size. */
    public Image(int width, int height, int channels, byte[] pixels) {
        this(width, height, channels, pixels, new Origin(width, height, 1));
    }

    /** Sample at row y, column x, channel c as 0..255. */
    public int sample(int y, int x, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }
}
