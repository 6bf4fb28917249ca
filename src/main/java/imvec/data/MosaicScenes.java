package imvec.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.store.StagedDirectory;
import imvec.util.Suggestions;
import imvec.util.UserError;
import imvec.util.Version;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Mosaic scenes built from a labelled image set: a G×G grid of square cells, each holding one image
 * (scaled and centre-cropped to the cell) or the fixed neutral background, with 1…G² cells filled,
 * all drawn from a seed. With {@code vary} (training scenes) each tile is a random crop of its
 * image, flipped at random, and drawn smaller than its cell at a random offset. Every pixel's class
 * goes into a mask, so the masks say exactly where tiles were placed.
 *
 * <p>The output is an ordinary dataset: {@code images/scene-NNNNNN.jpg|png}, {@code labels.csv}
 * ({@code path,labels} with labels joined by {@code ;}), {@code masks/scene-NNNNNN.png} (see
 * {@link MaskPng}), {@code classes.txt} (line k is class k, mask value k+1), {@code tiles.csv} (where
 * each tile went) and {@code mosaic.json} (provenance), written into place at once.
 */
public final class MosaicScenes {
    /** The file written last; it marks a directory as a mosaic output. */
    public static final String PROVENANCE = "mosaic.json";
    /** ImageNet's mean colour: neutral for photo models after their normalisation. */
    private static final Color BACKGROUND = new Color(124, 116, 104);
    private static final int GREY_BACKGROUND = 117;

    /** Where one tile went: its cell, source image, class and the pixel rectangle it covers. */
    public record Tile(int scene, int cell, String sourceId, String className, int x, int y, int size, boolean flipped) {
    }

    /** Called as scenes finish. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    public record Result(Path out, int scenes, List<String> classes, int sourceImages, double seconds) {
        public double scenesPerSecond() {
            return scenes / Math.max(seconds, 1e-9);
        }
    }

    private final ImageSet source;
    private final int grid;
    private final int cell;
    private final int scenes;
    private final long seed;
    private final List<String> classes;
    private final String classesFile;
    private final boolean vary;
    private final String imageFormat;
    private final int[] background;

    private MosaicScenes(Builder b) {
        this.source = b.source;
        this.grid = b.grid;
        this.cell = b.cell;
        this.scenes = b.scenes;
        this.seed = b.seed;
        this.classes = b.classes;
        this.classesFile = b.classesFile;
        this.vary = b.vary;
        this.imageFormat = b.imageFormat;
        this.background = b.background;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private ImageSet source;
        private int grid = 2;
        private int cell = 224;
        private int scenes = 1000;
        private long seed;
        private List<String> classes;
        private String classesFile;
        private boolean vary;
        private String imageFormat = "jpg";
        private int[] background;

        private Builder() {
        }

        /**
         * The colour of empty cells and of the margins of jittered tiles: one grey level or R, G, B
         * in 0..255 (default ImageNet's mean colour (124, 116, 104), grey 117 for grey sources).
         */
        public Builder optBackground(int... levels) {
            if (levels.length != 1 && levels.length != 3) throw new UserError("--background takes one grey level or R,G,B, not " + levels.length + " values");
            for (int v : levels) if (v < 0 || v > 255) throw new UserError("--background levels must be 0..255, not " + v);
            this.background = levels.length == 1 ? new int[] {levels[0], levels[0], levels[0]} : levels.clone();
            return this;
        }

        /** The labelled images the tiles come from (required). */
        public Builder setSource(ImageSet source) {
            this.source = source;
            return this;
        }

        /** Cells per side (default 2: a 2×2 grid). */
        public Builder optGrid(int grid) {
            if (grid < 1 || grid > 16) throw new UserError("--grid must be between 1 and 16, not " + grid);
            this.grid = grid;
            return this;
        }

        /** Cell side in pixels (default 224, MobileNet's input, so a 2×2 scene is 448×448). */
        public Builder optCell(int cell) {
            if (cell < 4 || cell > 4096) throw new UserError("--cell must be between 4 and 4096 pixels, not " + cell);
            this.cell = cell;
            return this;
        }

        public Builder optScenes(int scenes) {
            if (scenes < 1 || scenes > 10_000_000) throw new UserError("--scenes must be between 1 and 10,000,000, not " + scenes);
            this.scenes = scenes;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Only images of these classes enter a scene (default all); {@code file} names the list for provenance. */
        public Builder optClasses(List<String> classes, String file) {
            this.classes = List.copyOf(classes);
            this.classesFile = file;
            return this;
        }

        /** Random crop, flip and position jitter of every tile (for training scenes). */
        public Builder optVary(boolean vary) {
            this.vary = vary;
            return this;
        }

        /** {@code jpg} (default, quality 0.92) or {@code png} (lossless) for the scene images. */
        public Builder optImageFormat(String format) {
            String f = format.toLowerCase(Locale.ROOT);
            if (f.equals("jpeg")) f = "jpg";
            if (!f.equals("jpg") && !f.equals("png")) throw new UserError("--image-format must be jpg or png, not " + format);
            this.imageFormat = f;
            return this;
        }

        public MosaicScenes build() {
            if (source == null) throw new IllegalStateException("MosaicScenes needs setSource");
            return new MosaicScenes(this);
        }
    }

    /** Reads a class list, one name a line (blank lines and {@code #} comments skipped). */
    public static List<String> readClassList(Path file) {
        List<String> names = new ArrayList<>();
        for (String line : DataFiles.readNames(file)) if (!line.startsWith("#")) names.add(line);
        if (names.isEmpty()) throw new UserError(file + " names no classes");
        return names;
    }

    /** Writes the scenes to {@code out} (replacing an earlier mosaic there) and says what it wrote. */
    public Result write(Path out, Progress progress) throws IOException {
        long start = System.nanoTime();
        List<String> kept = keptClasses();
        int[] pool = pool(kept);
        long[] sceneSeeds = new SplittableRandom(seed).longs(scenes).toArray();
        int[] classIndex = classIndex(kept);
        boolean grey = source.read(pool[0]).channels() == 1;
        try (StagedDirectory staged = StagedDirectory.create(out, PROVENANCE)) {
            Path dir = staged.path();
            Files.createDirectories(dir.resolve("images"));
            Files.createDirectories(dir.resolve("masks"));
            String[] labelRows = new String[scenes];
            List<List<Tile>> tiles = new ArrayList<>(Collections.nCopies(scenes, null));
            AtomicInteger done = new AtomicInteger();
            try {
                IntStream.range(0, scenes).parallel().forEach(s -> {
                    try {
                        Scene scene = render(s, new SplittableRandom(sceneSeeds[s]), pool, classIndex, kept.size(), grey);
                        String name = String.format(Locale.ROOT, "scene-%06d", s);
                        Files.write(dir.resolve("images").resolve(name + "." + imageFormat), encode(scene.image));
                        ByteArrayOutputStream mask = new ByteArrayOutputStream();
                        MaskPng.write(scene.mask, kept.size(), mask);
                        Files.write(dir.resolve("masks").resolve(name + ".png"), mask.toByteArray());
                        labelRows[s] = csvField("images/" + name + "." + imageFormat) + "," + csvField(scene.labels(kept));
                        tiles.set(s, scene.tiles);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    progress.update(done.incrementAndGet(), scenes);
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            Files.writeString(dir.resolve("labels.csv"), "path,labels\n" + String.join("\n", labelRows) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("classes.txt"), String.join("\n", kept) + "\n", StandardCharsets.UTF_8);
            writeTiles(dir.resolve("tiles.csv"), tiles);
            double seconds = (System.nanoTime() - start) / 1e9;
            writeProvenance(dir.resolve(PROVENANCE), kept, pool.length, grey);
            staged.commit();
            return new Result(out, scenes, kept, pool.length, seconds);
        }
    }

    private List<String> keptClasses() {
        List<String> all = source.classes();
        if (classes == null) return all;
        Set<String> known = new HashSet<>(all);
        for (String c : classes) {
            if (!known.contains(c)) {
                throw new UserError("class '" + c + "' in " + (classesFile == null ? "the class list" : classesFile)
                        + " is not a class of " + source.spec() + Suggestions.didYouMean(c, all));
            }
        }
        Set<String> wanted = new HashSet<>(classes);
        return all.stream().filter(wanted::contains).toList();
    }

    /** The images whose class is kept: an excluded class's images never enter a scene. */
    private int[] pool(List<String> kept) {
        BitSet allowed = new BitSet();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int k = 0; k < source.classes().size(); k++) index.put(source.classes().get(k), k);
        for (String c : kept) allowed.set(index.get(c));
        int[] pool = IntStream.range(0, source.size()).filter(i -> allowed.get(source.label(i))).toArray();
        if (pool.length == 0) throw new UserError(source.spec() + " has no images of the chosen classes");
        for (String c : kept) {
            if (c.contains(";") || c.contains("\n")) {
                throw new UserError("class '" + c + "' contains ';', which labels.csv uses between labels; rename it");
            }
        }
        return pool;
    }

    /** Source class index → index among the kept classes. */
    private int[] classIndex(List<String> kept) {
        int[] out = new int[source.classes().size()];
        Arrays.fill(out, -1);
        for (int k = 0; k < kept.size(); k++) out[source.classes().indexOf(kept.get(k))] = k;
        return out;
    }

    private record Scene(BufferedImage image, MultiLabelSet.Mask mask, int[] present, List<Tile> tiles) {
        String labels(List<String> names) {
            List<String> out = new ArrayList<>();
            for (int k : present) out.add(names.get(k));
            return String.join(";", out);
        }
    }

    private Scene render(int index, SplittableRandom random, int[] pool, int[] classIndex, int classCount, boolean grey) throws IOException {
        int side = grid * cell;
        BufferedImage canvas = new BufferedImage(side, side, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(backgroundColour(grey));
        g.fillRect(0, 0, side, side);
        short[] mask = new short[side * side];
        int cells = grid * grid;
        int filled = 1 + random.nextInt(cells);
        int[] chosenCells = sample(random, cells, filled);
        int[] images = pool.length >= filled ? sample(random, pool.length, filled) : random.ints(filled, 0, pool.length).toArray();
        BitSet present = new BitSet();
        List<Tile> tiles = new ArrayList<>();
        for (int t = 0; t < filled; t++) {
            int imageIndex = pool[images[t]];
            int k = classIndex[source.label(imageIndex)];
            present.set(k);
            Image img = source.read(imageIndex);
            int c = chosenCells[t];
            Tile tile = drawTile(g, toBuffered(img), random, index, c, source.id(imageIndex), source.classes().get(source.label(imageIndex)));
            tiles.add(tile);
            for (int y = tile.y(); y < tile.y() + tile.size(); y++) {
                Arrays.fill(mask, y * side + tile.x(), y * side + tile.x() + tile.size(), (short) (k + 1));
            }
        }
        g.dispose();
        return new Scene(canvas, new MultiLabelSet.Mask(side, side, mask), present.stream().toArray(), tiles);
    }

    private Color backgroundColour(boolean grey) {
        if (background != null) return new Color(background[0], background[1], background[2]);
        return grey ? new Color(GREY_BACKGROUND, GREY_BACKGROUND, GREY_BACKGROUND) : BACKGROUND;
    }

    /** Draws one image into cell {@code c}; without variation it fills the cell, centre-cropped to a square. */
    private Tile drawTile(Graphics2D g, BufferedImage img, SplittableRandom random, int scene, int c, String id, String className) {
        int cellX = (c % grid) * cell, cellY = (c / grid) * cell;
        int shorter = Math.min(img.getWidth(), img.getHeight());
        int crop = shorter, sx = (img.getWidth() - shorter) / 2, sy = (img.getHeight() - shorter) / 2;
        int size = cell, x = cellX, y = cellY;
        boolean flip = false;
        if (vary) {
            crop = Math.max(1, (int) Math.round(shorter * (0.6 + 0.4 * random.nextDouble())));
            sx = random.nextInt(img.getWidth() - crop + 1);
            sy = random.nextInt(img.getHeight() - crop + 1);
            size = Math.max(1, (int) Math.round(cell * (0.7 + 0.3 * random.nextDouble())));
            x = cellX + random.nextInt(cell - size + 1);
            y = cellY + random.nextInt(cell - size + 1);
            flip = random.nextBoolean();
        }
        // drawImage mirrors the source when the destination's x corners are swapped.
        int dx1 = flip ? x + size : x, dx2 = flip ? x : x + size;
        g.drawImage(img, dx1, y, dx2, y + size, sx, sy, sx + crop, sy + crop, null);
        return new Tile(scene, c, id, className, x, y, size, flip);
    }

    /** {@code k} distinct values of 0..n−1 in random order (a partial Fisher–Yates shuffle). */
    private static int[] sample(SplittableRandom random, int n, int k) {
        int[] all = IntStream.range(0, n).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, k);
    }

    static BufferedImage toBuffered(Image img) {
        if (img.channels() == 1) {
            BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
            System.arraycopy(img.pixels(), 0, dst, 0, dst.length);
            return b;
        }
        BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) b.getRaster().getDataBuffer()).getData();
        byte[] src = img.pixels();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        return b;
    }

    private byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (imageFormat.equals("png")) {
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** A CSV field, quoted when it holds a comma, quote or leading/trailing space. */
    static String csvField(String s) {
        boolean quote = s.contains(",") || s.contains("\"") || !s.equals(s.strip());
        return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private void writeTiles(Path file, List<List<Tile>> tiles) throws IOException {
        StringBuilder s = new StringBuilder("scene,cell,source_id,class,x,y,size,flipped\n");
        for (List<Tile> scene : tiles) {
            for (Tile t : scene) {
                s.append(String.format(Locale.ROOT, "scene-%06d", t.scene())).append(',').append(t.cell()).append(',')
                        .append(csvField(t.sourceId())).append(',').append(csvField(t.className())).append(',')
                        .append(t.x()).append(',').append(t.y()).append(',').append(t.size()).append(',').append(t.flipped()).append('\n');
            }
        }
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    private void writeProvenance(Path file, List<String> kept, int sourceImages, boolean grey) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("imvec_version", Version.get());
        p.put("created", Instant.now().toString());
        p.put("kind", "mosaic scenes");
        p.put("source", source.spec());
        p.put("source_images_used", sourceImages);
        p.put("classes_file", classesFile);
        p.put("classes", kept.size());
        p.put("grid", grid);
        p.put("cell", cell);
        p.put("size", grid * cell);
        p.put("scenes", scenes);
        p.put("seed", seed);
        p.put("vary", vary);
        p.put("image_format", imageFormat);
        p.put("channels", grey ? 1 : 3);
        Color bg = backgroundColour(grey);
        p.put("background", grey ? List.of((int) Math.round(0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue()))
                : List.of(bg.getRed(), bg.getGreen(), bg.getBlue()));
        p.put("masks", MaskPng.eightBit(kept.size())
                ? "8-bit grey PNG: 0 background, k+1 class k of classes.txt, 255 ignore"
                : "16-bit grey PNG: 0 background, k+1 class k of classes.txt, 65535 ignore");
        p.put("labels", "labels.csv");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), p);
    }
}
