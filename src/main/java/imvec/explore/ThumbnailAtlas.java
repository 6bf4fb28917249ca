package imvec.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.Image;
import imvec.store.AtomicFiles;
import imvec.util.UserError;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Every image of a run as a small square thumbnail, packed row-major into PNG pages of
 * {@code tilesPerRow × tilesPerRow} tiles: row {@code r} is tile {@code r % perPage} of page
 * {@code r / perPage}. Made once and cached in {@code explore/atlas-<tile>/} of the run; the
 * {@code atlas.json} written last marks a finished atlas.
 */
public final class ThumbnailAtlas {
    /** Largest page side: WebGL implementations take 4096² textures everywhere. */
    static final int MAX_SIDE = 4096;

    /** Bumped when the page format changes, so older cached atlases are made again. */
    static final int FORMAT = 2;

    /**
     * The atlas's geometry, as the page reads it. Every page is {@code tilesPerRow} tiles wide; all
     * but the last are as tall, the last only as tall as its rows (less to decode and upload).
     */
    public record Layout(int n, int tile, int tilesPerRow, int pages, int format) {
        public int perPage() {
            return tilesPerRow * tilesPerRow;
        }

        /** Tile rows on page {@code p}. */
        public int rows(int p) {
            int left = n - p * perPage();
            return Math.min(tilesPerRow, (left + tilesPerRow - 1) / tilesPerRow);
        }
    }

    /** The smallest tile; an atlas of larger tiles comes with a preview of tiles a quarter the side (at least this). */
    static final int PREVIEW_MIN_TILE = 4;

    private final Path dir;
    private final Layout layout;
    private final ThumbnailAtlas preview;

    private ThumbnailAtlas(Path dir, Layout layout, ThumbnailAtlas preview) {
        this.dir = dir;
        this.layout = layout;
        this.preview = preview;
    }

    /** Tile side for n images: 32 px while the whole atlas stays small, 16 px beyond (70k → 2 pages of 4096²). */
    public static int defaultTile(int n) {
        return n <= 16_384 ? 32 : 16;
    }

    /**
     * Opens the cached atlas of the run, making it first if needed; {@code progress} hears rows done.
     * Beside it comes a preview atlas of tiles a quarter the side (at least {@value #PREVIEW_MIN_TILE}
     * px, made silently): the page paints from it first, since one small page decodes and uploads in
     * a fraction of the time of the full pages, and a thumbnail drawn a few pixels wide shows no more.
     */
    public static ThumbnailAtlas open(ExploreRun run, int tile, LongConsumer progress) {
        ThumbnailAtlas full = openOne(run, tile, progress);
        if (tile <= PREVIEW_MIN_TILE) return full;
        ThumbnailAtlas preview = openOne(run, Math.max(PREVIEW_MIN_TILE, tile / 4), d -> { });
        return new ThumbnailAtlas(full.dir, full.layout, preview);
    }

    private static ThumbnailAtlas openOne(ExploreRun run, int tile, LongConsumer progress) {
        if (tile < 4 || tile > 256) throw new UserError("thumbnail size must be 4 to 256 pixels; got " + tile + ".");
        Path dir = run.dir().resolve("explore").resolve("atlas-" + tile);
        Path meta = dir.resolve("atlas.json");
        ObjectMapper json = new ObjectMapper();
        try {
            if (Files.isRegularFile(meta)) {
                Layout l = json.readValue(meta.toFile(), Layout.class);
                if (l.n() == run.n() && l.tile() == tile && l.format() == FORMAT) return new ThumbnailAtlas(dir, l, null);
            }
            // Open the data set first: a missing one is an error, not an atlas of blank tiles.
            run.data();
            int tpr = tilesPerRow(run.n(), tile);
            int perPage = tpr * tpr;
            Layout l = new Layout(run.n(), tile, tpr, (run.n() + perPage - 1) / perPage, FORMAT);
            make(run, dir, l, progress);
            AtomicFiles.writeString(meta, json.writeValueAsString(l));
            return new ThumbnailAtlas(dir, l, null);
        } catch (IOException e) {
            throw new UserError("cannot write the thumbnail atlas in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Pages are square; a small run gets one page just big enough, a power of two wide. */
    static int tilesPerRow(int n, int tile) {
        int maxTiles = MAX_SIDE / tile;
        int side = (int) Math.ceil(Math.sqrt(n));
        int pow = 1;
        while (pow < side && pow < maxTiles) pow *= 2;
        return Math.min(pow, maxTiles);
    }

    private static void make(ExploreRun run, Path dir, Layout l, LongConsumer progress) throws IOException {
        Files.createDirectories(dir);
        AtomicInteger done = new AtomicInteger();
        for (int p = 0; p < l.pages(); p++) {
            BufferedImage page = new BufferedImage(l.tilesPerRow() * l.tile(), l.rows(p) * l.tile(), BufferedImage.TYPE_INT_ARGB);
            int first = p * l.perPage();
            int last = Math.min(run.n(), first + l.perPage());
            IntStream.range(first, last).parallel().forEach(r -> {
                BufferedImage thumb = thumbnail(run, r, l.tile());
                int t = r - first;
                int x = (t % l.tilesPerRow()) * l.tile(), y = (t / l.tilesPerRow()) * l.tile();
                int[] argb = thumb.getRGB(0, 0, l.tile(), l.tile(), null, 0, l.tile());
                synchronized (page) {
                    page.setRGB(x, y, l.tile(), l.tile(), argb, 0, l.tile());
                }
                progress.accept(done.incrementAndGet());
            });
            Path file = dir.resolve("page-" + p + ".png");
            AtomicFiles.write(file, out -> ImageIO.write(page, "png", out));
        }
    }

    /** One image fitted into a tile, aspect kept, centred on a transparent square; unreadable images stay blank. */
    static BufferedImage thumbnail(ExploreRun run, int row, int tile) {
        BufferedImage out = new BufferedImage(tile, tile, BufferedImage.TYPE_INT_ARGB);
        BufferedImage src;
        try {
            src = toBuffered(run.image(row));
        } catch (IOException | UserError e) {
            return out;
        }
        double s = Math.min(tile / (double) src.getWidth(), tile / (double) src.getHeight());
        int tw = Math.max(1, (int) Math.round(src.getWidth() * s));
        int th = Math.max(1, (int) Math.round(src.getHeight() * s));
        src = shrink(src, s);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, (tile - tw) / 2, (tile - th) / 2, tw, th, null);
        g.dispose();
        return out;
    }

    /** Halves the image until one bilinear step is left, so large photos do not alias. */
    private static BufferedImage shrink(BufferedImage src, double scale) {
        BufferedImage cur = src;
        double s = scale;
        while (s < 0.5) {
            int w = Math.max(1, cur.getWidth() / 2), h = Math.max(1, cur.getHeight() / 2);
            BufferedImage half = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = half.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(cur, 0, 0, w, h, null);
            g.dispose();
            cur = half;
            s *= 2;
        }
        return cur;
    }

    /** An imvec image as an AWT image (grey stays grey). */
    public static BufferedImage toBuffered(Image img) {
        int w = img.width(), h = img.height();
        if (img.channels() == 1) {
            BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            b.getRaster().setDataElements(0, 0, w, h, img.pixels());
            return b;
        }
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[w * h];
        byte[] p = img.pixels();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (p[3 * i] & 0xFF) << 16 | (p[3 * i + 1] & 0xFF) << 8 | (p[3 * i + 2] & 0xFF);
        }
        b.setRGB(0, 0, w, h, rgb, 0, w);
        return b;
    }

    public Layout layout() {
        return layout;
    }

    /** The preview atlas (smaller tiles), or null when the tiles are already the smallest. */
    public ThumbnailAtlas preview() {
        return preview;
    }

    /** The file of page {@code p}; the page number is checked, so no caller names a path. */
    public Path page(int p) {
        if (p < 0 || p >= layout.pages()) throw new UserError("no atlas page " + p + "; there are " + layout.pages() + ".");
        return dir.resolve("page-" + p + ".png");
    }

    static void write(BufferedImage img, java.io.OutputStream out) {
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
