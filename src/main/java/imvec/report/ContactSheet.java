package imvec.report;

import imvec.data.Image;
import imvec.store.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A PNG grid of thumbnails in reading order, each with a one-line caption, under a title. */
public final class ContactSheet {
    static final int THUMB = 96;
    static final int COLUMNS = 10;
    private static final int CAPTION = 16;
    private static final int TITLE = 28;

    private ContactSheet() {
    }

    public static void write(Path png, String title, List<Image> images, List<String> captions) throws IOException {
        if (images.size() != captions.size()) throw new IllegalArgumentException(images.size() + " images, " + captions.size() + " captions");
        int columns = Math.max(1, Math.min(COLUMNS, images.size())), rows = (images.size() + columns - 1) / columns;
        int cellW = THUMB + 8, cellH = THUMB + CAPTION + 8;
        int width = Math.max(columns * cellW + 8, 480), height = TITLE + rows * cellH + 8;
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 8, 19);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < images.size(); i++) {
            int x = 8 + (i % columns) * cellW, y = TITLE + (i / columns) * cellH;
            Image img = images.get(i);
            // Fit the longer side to the cell, keeping the aspect ratio.
            double scale = (double) THUMB / Math.max(img.width(), img.height());
            int w = Math.max(1, (int) Math.round(img.width() * scale)), h = Math.max(1, (int) Math.round(img.height() * scale));
            g.drawImage(ThumbnailPlot.toBuffered(img), x + (THUMB - w) / 2, y + (THUMB - h) / 2, w, h, null);
            g.drawString(captions.get(i), x, y + THUMB + CAPTION - 3);
        }
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(canvas, "png", out));
    }
}
