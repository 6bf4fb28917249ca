package imvec.report;

import imvec.data.Image;
import imvec.store.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Thumbnails placed at given positions in [0, 1]² (a word-projection strip or scatter), and heat-map overlays. */
public final class ThumbnailPlot {
    private ThumbnailPlot() {
    }

    public static BufferedImage toBuffered(Image img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int r = img.sample(y, x, 0), g = img.channels() == 3 ? img.sample(y, x, 1) : r, b = img.channels() == 3 ? img.sample(y, x, 2) : r;
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return out;
    }

    /** A PNG of {@code images} at {@code positions} (x right, y up), axes named by {@code xTitle}/{@code yTitle}. */
    public static void write(Path png, List<Image> images, double[][] positions, String xTitle, String yTitle,
                             int width, int height, int thumb) throws IOException {
        writeWithAxes(png, images::get, positions, "score of \"" + xTitle + "\" (lowest → highest in this collection)", yTitle,
                width, height, thumb);
    }

    /** Reads image i; may fail as reading a file does. */
    @FunctionalInterface
    public interface Images {
        Image read(int i) throws IOException;
    }

    /**
     * As {@link #write}, with the x axis's whole caption given (for axes that are not a word's
     * score); image i is read when it is drawn, so a large collection is never held whole.
     */
    public static void writeWithAxes(Path png, Images images, double[][] positions, String xAxis, String yAxis,
                                     int width, int height, int thumb) throws IOException {
        int margin = 40 + thumb / 2;
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < positions.length; i++) {
            int cx = margin + (int) Math.round(positions[i][0] * (width - 2 * margin));
            int cy = height - margin - (int) Math.round(positions[i][1] * (height - 2 * margin));
            g.drawImage(toBuffered(images.read(i)), cx - thumb / 2, cy - thumb / 2, thumb, thumb, null);
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(margin, height - 20, width - margin, height - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.drawString(xAxis, margin, height - 4);
        g.drawString(yAxis, 4, 16);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(canvas, "png", out));
    }

    /** {@code img} with a heat map of {@code probabilities} (H×W, in [0, 1], upsampled bilinearly) blended over it. */
    public static void writeOverlay(Path png, Image img, float[] probabilities, int mapHeight, int mapWidth, String title) throws IOException {
        BufferedImage base = toBuffered(img);
        int w = base.getWidth(), h = base.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double p = bilinear(probabilities, mapHeight, mapWidth, (y + 0.5) * mapHeight / h - 0.5, (x + 0.5) * mapWidth / w - 0.5);
                int rgb = base.getRGB(x, y);
                int r = (int) ((rgb >> 16 & 255) * (1 - 0.6 * p) + 255 * 0.6 * p);
                int gr = (int) ((rgb >> 8 & 255) * (1 - 0.6 * p));
                int b = (int) ((rgb & 255) * (1 - 0.6 * p));
                base.setRGB(x, y, r << 16 | gr << 8 | b);
            }
        }
        Graphics2D g = base.createGraphics();
        g.setColor(Color.WHITE);
        g.drawString(title, 4, 14);
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(base, "png", out));
    }

    static double bilinear(float[] m, int h, int w, double fy, double fx) {
        fy = Math.max(0, Math.min(h - 1, fy));
        fx = Math.max(0, Math.min(w - 1, fx));
        int y0 = (int) fy, x0 = (int) fx, y1 = Math.min(h - 1, y0 + 1), x1 = Math.min(w - 1, x0 + 1);
        double dy = fy - y0, dx = fx - x0;
        return (m[y0 * w + x0] * (1 - dx) + m[y0 * w + x1] * dx) * (1 - dy) + (m[y1 * w + x0] * (1 - dx) + m[y1 * w + x1] * dx) * dy;
    }
}
