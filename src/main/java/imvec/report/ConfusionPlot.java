package imvec.report;

import imvec.store.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A confusion matrix as a PNG heat map: rows are true classes, columns predictions; each cell's
 * shade is its share of the row (so a small class is as readable as a large one) and it shows
 * the count. Drawn with Java 2D because the cells need both a colour and a number.
 */
public final class ConfusionPlot {
    private static final int MAX_CELL = 48;
    private static final int MIN_CELL = 6;
    private static final Color HIGH = new Color(0x08306b);

    static {
        Charts.init();
    }

    private ConfusionPlot() {
    }

    /** Writes {@code png} (atomically) and returns it. */
    public static Path write(long[][] confusion, List<String> classes, String title, Path png) throws IOException {
        BufferedImage image = draw(confusion, classes, title);
        AtomicFiles.write(png, out -> ImageIO.write(image, "png", out));
        return png;
    }

    static BufferedImage draw(long[][] confusion, List<String> classes, String title) {
        int k = confusion.length;
        int cell = Math.max(MIN_CELL, Math.min(MAX_CELL, 900 / Math.max(k, 1)));
        boolean labelled = cell >= 14;
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.min(12, Math.max(9, cell / 3)));
        int labelWidth = labelled ? longestLabel(classes, labelFont) + 12 : 20;
        int left = labelWidth + 30, top = 50 + labelWidth, size = k * cell;
        int width = left + size + 20, height = top + size + 20;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("predicted →", left, top - labelWidth - 8 + 14);
        drawRotated(g, "true ↓", 14, top + 60);
        for (int r = 0; r < k; r++) {
            long total = 0;
            for (long v : confusion[r]) total += v;
            for (int c = 0; c < k; c++) {
                double share = total == 0 ? 0 : (double) confusion[r][c] / total;
                g.setColor(shade(share));
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
                if (labelled && confusion[r][c] > 0) {
                    g.setFont(labelFont);
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    String text = Long.toString(confusion[r][c]);
                    FontMetrics fm = g.getFontMetrics();
                    g.drawString(text, left + c * cell + (cell - fm.stringWidth(text)) / 2,
                            top + r * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
                }
            }
        }
        g.setColor(new Color(0x999999));
        g.setStroke(new BasicStroke(1));
        g.drawRect(left, top, size, size);
        if (labelled) drawLabels(g, classes, labelFont, left, top, cell);
        g.dispose();
        return img;
    }

    private static void drawLabels(Graphics2D g, List<String> classes, Font font, int left, int top, int cell) {
        g.setFont(font);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < classes.size(); i++) {
            String name = classes.get(i);
            g.drawString(name, left - 6 - fm.stringWidth(name), top + i * cell + (cell + fm.getAscent()) / 2 - 2);
            AffineTransform saved = g.getTransform();
            g.translate(left + i * cell + (cell + fm.getAscent()) / 2 - 2, top - 6);
            g.rotate(-Math.PI / 2);
            g.drawString(name, 0, 0);
            g.setTransform(saved);
        }
    }

    private static void drawRotated(Graphics2D g, String text, int x, int y) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        g.drawString(text, 0, 0);
        g.setTransform(saved);
    }

    private static int longestLabel(List<String> classes, Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        FontMetrics fm = g.getFontMetrics(font);
        int max = 0;
        for (String c : classes) max = Math.max(max, fm.stringWidth(c));
        g.dispose();
        return Math.min(max, 220);
    }

    /** White at 0, dark blue at 1, linear in RGB. */
    static Color shade(double share) {
        double s = Math.max(0, Math.min(1, share));
        return new Color(mix(255, HIGH.getRed(), s), mix(255, HIGH.getGreen(), s), mix(255, HIGH.getBlue(), s));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    /** The title line used by {@code imvec probe}. */
    public static String title(String source, double accuracy) {
        return String.format(Locale.ROOT, "Confusion on held-out rows of %s (accuracy %.3f)", source, accuracy);
    }
}
