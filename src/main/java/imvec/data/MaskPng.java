package imvec.data;

import imvec.util.UserError;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Per-pixel class masks as PNG files. Written as 8-bit grey when the classes fit (value 0
 * background, k+1 class k, 255 ignore), else as 16-bit grey (65535 ignore), so sets of up to 32766
 * classes fit (masks are held as 16-bit signed values in memory). Read from 8- or 16-bit grey PNGs and from palette PNGs (PASCAL VOC), whose palette
 * index is the value; colours are never interpreted.
 */
public final class MaskPng {
    /** The stored value of an ignored pixel in an 8-bit mask, as PASCAL VOC has it. */
    public static final int IGNORE_8 = 255;
    /** The stored value of an ignored pixel in a 16-bit mask. */
    public static final int IGNORE_16 = 65535;

    private MaskPng() {
    }

    /** Whether masks for {@code classes} classes are written with 8 bits per pixel. */
    public static boolean eightBit(int classes) {
        return classes + 1 < IGNORE_8;
    }

    public static void write(MultiLabelSet.Mask mask, int classes, OutputStream out) throws IOException {
        if (classes >= Short.MAX_VALUE) throw new UserError(classes + " classes do not fit a mask (at most " + (Short.MAX_VALUE - 1) + ")");
        boolean eight = eightBit(classes);
        BufferedImage img = new BufferedImage(mask.width(), mask.height(),
                eight ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
        int[] row = new int[mask.width()];
        short[] v = mask.values();
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                short s = v[y * mask.width() + x];
                row[x] = s == MultiLabelSet.Mask.IGNORE ? (eight ? IGNORE_8 : IGNORE_16) : s & 0xFFFF;
            }
            img.getRaster().setSamples(0, y, mask.width(), 1, 0, row);
        }
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
    }

    /**
     * Reads a mask; values above {@code classes} are an error naming the file, because they would
     * silently become a class the table does not have.
     */
    public static MultiLabelSet.Mask read(byte[] png, String id, int classes) throws UnreadableImageException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(id, "cannot decode the mask (" + e.getMessage() + ")");
        }
        if (img == null) throw new UnreadableImageException(id, "the mask is not a readable PNG");
        Raster raster = img.getRaster();
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        if (!palette && raster.getNumBands() != 1) {
            throw new UserError("mask " + id + " is a colour image; masks must be grey index PNGs or palette PNGs");
        }
        int ignore = palette || raster.getSampleModel().getSampleSize(0) <= 8 ? IGNORE_8 : IGNORE_16;
        int w = img.getWidth(), h = img.getHeight();
        short[] values = new short[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int s = row[x];
                if (s == ignore) {
                    values[y * w + x] = MultiLabelSet.Mask.IGNORE;
                } else if (s > classes) {
                    throw new UserError("mask " + id + " has value " + s + " at (" + x + ", " + y + "), but the class table has only "
                            + classes + " classes (values 1.." + classes + "; 0 is background, " + ignore + " ignore)");
                } else {
                    values[y * w + x] = (short) s;
                }
            }
        }
        return new MultiLabelSet.Mask(w, h, values);
    }
}
