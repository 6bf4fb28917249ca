package imvec.explore;

import imvec.data.TestData;
import imvec.model.ProgressListener;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.spatial.SpatialTraining;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small real spatial model and a run to explore with it. The model: MobileNet's
 * {@code conv_pw_13_relu} at 128×128 (a 4×4 map) under a spatial head trained on 400 scenes of
 * 2×2 cells, each empty or a noisy blue, green or red tile (named sea, leaf, blood), with GloVe words. The run: 24 such
 * scenes of blue, green and empty cells and one red on the right and blue on the left, the planted answer to
 * "blood", read back through {@code folder:}.
 */
final class SpatialFixture {
    record Built(Path run, Path model, Path words, int planted) {
    }

    private SpatialFixture() {
    }

    /** Skips the calling test (through {@link TestData}) when MobileNet or the GloVe subset is absent. */
    static Built build(Path root) throws IOException {
        Path mobilenet = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path words = TestData.sharedData("glove-6b-100d-subset/vectors.txt");
        Path scenes = root.resolve("scenes");
        writeTrainingScenes(scenes, 400, 1);
        SpatialRun model = SpatialJob.train("multilabel:" + scenes.resolve("labels.csv") + "#masks=none", new SpatialJob.Tap(mobilenet, "conv_pw_13_relu", 128),
                words, null, List.of(), SpatialTraining.builder().optEpochs(20).optLearningRate(1e-2).optBatchSize(32).optSeed(3).build(), d -> { }, ProgressListener.NONE);
        Path modelDir = root.resolve("model");
        model.save(modelDir);
        Path images = root.resolve("images");
        writeScenes(images, 24, 5);
        Path run = ExploreFixture.writeRun(root, images, -1);
        List<String> ids = ExploreRun.open(run, null).ids();
        int planted = -1;
        for (int i = 0; i < ids.size(); i++) if (ids.get(i).startsWith(PLANTED_FOLDER)) planted = i;
        return new Built(run, modelDir, words, planted);
    }

    /**
     * The colour classes (blue, green, red) are named by words far apart in GloVe: colour names
     * themselves sit at cosines of about 0.8 to one another, too close for a small head to tell apart.
     */
    static final List<String> WORDS = List.of("sea", "leaf", "blood");
    /**
     * {@code count} training scenes of 1 to 4 cells of any colour, as a multi-label data set:
     * {@code images/NNN.png}, {@code labels.csv} ({@code path,labels}) and {@code classes.txt}.
     */
    static void writeTrainingScenes(Path dir, int count, long seed) throws IOException {
        Random rnd = new Random(seed);
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,labels\n");
        for (int s = 0; s < count; s++) {
            int[] cells = new int[4];
            java.util.TreeSet<String> present = new java.util.TreeSet<>();
            for (int c = 0; c < 4; c++) cells[c] = rnd.nextInt(4) - 1;
            if (cells[0] < 0 && cells[1] < 0 && cells[2] < 0 && cells[3] < 0) cells[rnd.nextInt(4)] = rnd.nextInt(3);
            for (int c : cells) if (c >= 0) present.add(WORDS.get(c));
            String name = String.format("images/%03d.png", s);
            ImageIO.write(scene(cells, rnd), "png", dir.resolve(name).toFile());
            csv.append(name).append(',').append(String.join(";", present)).append('\n');
        }
        Files.writeString(dir.resolve("labels.csv"), csv.toString());
        Files.writeString(dir.resolve("classes.txt"), String.join("\n", WORDS) + "\n");
    }

    static final String PLANTED_FOLDER = "blood-right";
    static final int CELL = 64;

    /**
     * {@code count} 2×2 scenes of blue, green and empty (grey) cells under {@code images/sea-leaf/},
     * and one, the planted image, under {@code images/blood-right/}: red on the right, blue on the left.
     */
    static void writeScenes(Path images, int count, long seed) throws IOException {
        Random rnd = new Random(seed);
        Files.createDirectories(images.resolve("sea-leaf"));
        Files.createDirectories(images.resolve(PLANTED_FOLDER));
        for (int s = 0; s < count; s++) {
            int[] cells = new int[4];
            for (int c = 0; c < 4; c++) cells[c] = rnd.nextInt(3) - 1; // -1 empty, 0 blue, 1 green
            if (cells[0] < 0 && cells[1] < 0 && cells[2] < 0 && cells[3] < 0) cells[0] = s % 2;
            ImageIO.write(scene(cells, rnd), "png", images.resolve("sea-leaf").resolve(String.format("%03d.png", s)).toFile());
        }
        ImageIO.write(scene(new int[] {0, 2, 0, 2}, rnd), "png", images.resolve(PLANTED_FOLDER).resolve("000.png").toFile());
    }

    /**
     * Cells in reading order; a cell's value is a colour class of {@link ExploreFixture#CLASSES} or −1
     * for grey. Each colour cell is a 24×24 noisy tile scaled up bilinearly, as the training mosaics
     * place the same kind of tiles, so the run looks like what the head was trained on.
     */
    static BufferedImage scene(int[] cells, Random rnd) {
        BufferedImage img = new BufferedImage(2 * CELL, 2 * CELL, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(new java.awt.Color(124, 116, 104));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int k = 0; k < 4; k++) {
            if (cells[k] < 0) continue;
            BufferedImage tile = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 24; x++) {
                    int[] rgb = {rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60)};
                    rgb[2 - cells[k]] += 150 + (x * 3 + y) % 40;
                    tile.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                }
            }
            g.drawImage(tile, (k % 2) * CELL, (k / 2) * CELL, CELL, CELL, null);
        }
        g.dispose();
        return img;
    }
}
