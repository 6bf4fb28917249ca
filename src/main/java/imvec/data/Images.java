package imvec.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes encoded image files (JPEG incl. CMYK and greyscale, PNG, BMP, GIF) into {@link Image}s.
 * Greyscale stays one channel so grey datasets are not tripled in memory; everything else,
 * including palette, alpha and CMYK, becomes RGB.
 */
public final class Images {
    /** Far above any photo a classifier sees, far below what would exhaust the heap. */
    static final long MAX_PIXELS = 1L << 26;

    static {
        ImageIO.setUseCache(false);
        // TwelveMonkeys registers its JPEG reader (CMYK, broken ICC profiles) through the service loader.
        ImageIO.scanForPlugins();
    }

    /**
     * The JPEG decoder, chosen once: libjpeg-turbo when its binding loads, unless
     * {@code -Dimvec.jpeg.decoder=jdk}; {@code -Dimvec.turbojpeg.jar} points at another jar.
     * {@code -Dimvec.jpeg.dctScaling=false} keeps turbojpeg decoding at full size.
     */
    private static final TurboJpeg.Loaded TURBO = System.getProperty("imvec.jpeg.decoder", "auto").equalsIgnoreCase("jdk")
            ? new TurboJpeg.Loaded(null, "-Dimvec.jpeg.decoder=jdk")
            : TurboJpeg.load(Path.of(System.getProperty("imvec.turbojpeg.jar", TurboJpeg.DEBIAN_JAR.toString())));
    private static final boolean DCT_SCALING = !"false".equalsIgnoreCase(System.getProperty("imvec.jpeg.dctScaling"));
    /**
     * libjpeg-turbo's speed options, off unless {@code -Dimvec.jpeg.fastDct=true} or
     * {@code -Dimvec.jpeg.fastUpsample=true}: the accurate decode is the one whose pixels match
     * the JDK decoder's and the reference pipelines'.
     */
    private static final TurboJpeg.Speed SPEED = new TurboJpeg.Speed(Boolean.getBoolean("imvec.jpeg.fastDct"),
            Boolean.getBoolean("imvec.jpeg.fastUpsample"));

    private Images() {
    }

    /** Which decoder reads JPEGs in this JVM, and why when it is not turbojpeg (for benches and logs). */
    public static String jpegDecoder() {
        if (TURBO.decoder() == null) return "jdk ImageIO (turbojpeg unavailable: " + TURBO.unavailableReason() + ")";
        return TURBO.decoder().describe() + (DCT_SCALING ? ", DCT scaling" : ", full size") + ", " + SPEED.describe();
    }

    /** The turbojpeg decoder in use, or null when JPEGs go to ImageIO. */
    static TurboJpeg turboJpeg() {
        return TURBO.decoder();
    }

    public static Image decode(byte[] bytes, String id) throws UnreadableImageException {
        return decode(bytes, id, 0, 0);
    }

    /**
     * Decodes, letting a JPEG come out at a reduced DCT scale not below {@code minWidth ×
     * minHeight} (see {@link ImageSet#read(int, int, int)}); 0, 0 for full size.
     */
    public static Image decode(byte[] bytes, String id, int minWidth, int minHeight) throws UnreadableImageException {
        return decode(bytes, id, DCT_SCALING ? minWidth : 0, DCT_SCALING ? minHeight : 0, TURBO.decoder(), SPEED);
    }

    /** As {@link #decode(byte[], String, int, int)} with the given JPEG decoder (null: ImageIO only), decoding accurately. */
    static Image decode(byte[] bytes, String id, int minWidth, int minHeight, TurboJpeg turbo) throws UnreadableImageException {
        return decode(bytes, id, minWidth, minHeight, turbo, TurboJpeg.Speed.ACCURATE);
    }

    /** As {@link #decode(byte[], String, int, int)} with the given JPEG decoder and its speed options. */
    static Image decode(byte[] bytes, String id, int minWidth, int minHeight, TurboJpeg turbo, TurboJpeg.Speed speed)
            throws UnreadableImageException {
        if (turbo != null && isJpeg(bytes)) {
            try {
                Image img = turbo.decode(bytes, id, minWidth, minHeight, speed);
                if (img != null) return img;
            } catch (TruncatedImageException e) {
                // The JDK decoder reports the same early end and keeps the padded image for --allow-truncated.
            }
        }
        return decodeImageIO(bytes, id);
    }

    /**
     * Decodes and preprocesses in one go into {@code dst} at {@code offset}: a JPEG turbojpeg
     * reads is decoded into this thread's reused buffer and resized, cropped and normalised from
     * there, so no image is allocated per file; anything else takes {@link #decode} and
     * {@link Preprocess#apply(Image, float[], int)}, with the same result. A truncated file
     * throws as {@link #decode} does, carrying the JDK decoder's padded image.
     */
    public static void decodeInto(byte[] bytes, String id, Preprocess pre, float[] dst, int offset) throws UnreadableImageException {
        decodeInto(bytes, bytes.length, id, pre, dst, offset);
    }

    /**
     * As {@link #decodeInto(byte[], String, Preprocess, float[], int)} on the first {@code length}
     * bytes of {@code bytes}: a reader can then reuse one file buffer per thread.
     */
    public static void decodeInto(byte[] bytes, int length, String id, Preprocess pre, float[] dst, int offset) throws UnreadableImageException {
        decodeInto(bytes, length, id, pre, dst, offset, TURBO.decoder(), SPEED);
    }

    static void decodeInto(byte[] bytes, String id, Preprocess pre, float[] dst, int offset, TurboJpeg turbo, TurboJpeg.Speed speed)
            throws UnreadableImageException {
        decodeInto(bytes, bytes.length, id, pre, dst, offset, turbo, speed);
    }

    static void decodeInto(byte[] bytes, int length, String id, Preprocess pre, float[] dst, int offset, TurboJpeg turbo,
                           TurboJpeg.Speed speed) throws UnreadableImageException {
        if (length < 0 || length > bytes.length) throw new IllegalArgumentException("length " + length + " outside 0.." + bytes.length);
        int minWidth = DCT_SCALING ? pre.width() : 0, minHeight = DCT_SCALING ? pre.height() : 0;
        if (turbo != null && isJpeg(bytes, length)) {
            try {
                TurboJpeg.Decoded d = turbo.decodeReusing(bytes, length, id, minWidth, minHeight, speed);
                if (d != null) {
                    pre.apply(d.pixels(), d.width(), d.height(), d.channels(), d.origin(), dst, offset);
                    return;
                }
            } catch (TruncatedImageException e) {
                // as in decode: the JDK decoder reports the early end and keeps the padded image
            }
        }
        // The JDK decoder's path is the rare one (other formats, CMYK, grey profiles): a copy of the exact bytes is fine there.
        pre.apply(decodeImageIO(length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length), id), dst, offset);
    }

    private static boolean isJpeg(byte[] b) {
        return isJpeg(b, b.length);
    }

    private static boolean isJpeg(byte[] b, int length) {
        return length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    /**
     * The JDK decoder (TwelveMonkeys' JPEG plugin included): every format, always full size. A
     * file that ends before its image data does (a cut-off download or copy) is a
     * {@link TruncatedImageException} carrying the padded image, for callers that keep such images.
     */
    static Image decodeImageIO(byte[] bytes, String id) throws UnreadableImageException {
        List<String> warnings = new ArrayList<>();
        BufferedImage img;
        try {
            img = read(bytes, warnings);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(id, "cannot decode (" + e.getMessage() + ")");
        }
        if (img == null) throw new UnreadableImageException(id, "not a readable JPEG, PNG, BMP or GIF image");
        if (img.getWidth() <= 0 || img.getHeight() <= 0) throw new UnreadableImageException(id, "image has no pixels");
        Image decoded = fromBuffered(img);
        for (String w : warnings) {
            if (meansTruncated(w)) throw new TruncatedImageException(id, "the file ends early (" + w + ")", decoded);
        }
        return decoded;
    }

    /** Like {@link ImageIO#read}, but collecting the reader's warnings, which is where decoders report a cut-off file. */
    private static BufferedImage read(byte[] bytes, List<String> warnings) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The size comes from the file's header: a forged one must not make us allocate gigabytes.
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new IOException("its header claims " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels, more than the " + (MAX_PIXELS >> 20) + " megapixels imvec decodes");
                }
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                return reader.read(0, reader.getDefaultReadParam());
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The JPEG decoders' (libjpeg's) words for data that stops early: "Premature end of JPEG file"
     * and "Corrupt JPEG data: premature end of data segment".
     */
    static boolean meansTruncated(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(java.util.Locale.ROOT);
        return w.contains("premature end") || w.contains("unexpected end") || w.contains("truncated");
    }

    /** Converts a decoded AWT image; fast paths avoid per-pixel colour-model calls for the common layouts. */
    public static Image fromBuffered(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            if (src.length == w * h) return new Image(w, h, 1, src.clone());
        }
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            if (src.length == w * h * 3) {
                byte[] rgb = new byte[src.length];
                for (int i = 0; i < src.length; i += 3) {
                    rgb[i] = src[i + 2];
                    rgb[i + 1] = src[i + 1];
                    rgb[i + 2] = src[i];
                }
                return new Image(w, h, 3, rgb);
            }
        }
        if (isGrey(img)) {
            byte[] g = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRaster().getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) g[y * w + x] = (byte) clampToByte(row[x], img.getColorModel().getComponentSize(0));
            }
            return new Image(w, h, 1, g);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            rgb[3 * i] = (byte) (p >> 16);
            rgb[3 * i + 1] = (byte) (p >> 8);
            rgb[3 * i + 2] = (byte) p;
        }
        return new Image(w, h, 3, rgb);
    }

    private static boolean isGrey(BufferedImage img) {
        var cm = img.getColorModel();
        return cm.getNumComponents() == 1 && !cm.hasAlpha()
                && cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && !(cm instanceof java.awt.image.IndexColorModel);
    }

    private static int clampToByte(int v, int bits) {
        return bits == 8 ? v : (int) Math.round(v * 255.0 / ((1 << bits) - 1));
    }
}
