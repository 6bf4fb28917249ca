package imvec.explore;

import imvec.data.DataSpecs;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.store.Manifest;
import imvec.store.Npy;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A small real run for the explorer's tests: a folder of generated PNGs in three colour classes
 * (blue, green, red), read back through {@code folder:}; the layer is each image's mean colour and
 * colour spread, computed from the decoded pixels; top-2 predictions come from that colour. One
 * green image, {@link #PLANTED}, is predicted red with the highest red probability of all, so a
 * search for "red" must rank it first.
 */
final class ExploreFixture {
    static final List<String> CLASSES = List.of("blue", "green", "red");
    static final int PER_CLASS = 20;
    /** The row of the planted image (a green image the model calls red with p = 0.995). */
    static final int PLANTED = PER_CLASS + 3;

    private ExploreFixture() {
    }

    /** Writes images under {@code root/images} and the run under {@code root/run}; returns the run. */
    static Path build(Path root) throws IOException {
        Path images = root.resolve("images");
        writeImages(images, CLASSES, new int[] {PER_CLASS, PER_CLASS, PER_CLASS}, 7);
        return writeRun(root, images, PLANTED);
    }

    /** {@code perClass[c]} noisy images of colour c (blue, green, red) under {@code images/<names[c]>/}. */
    static void writeImages(Path images, List<String> names, int[] perClass, long seed) throws IOException {
        Random rnd = new Random(seed);
        for (int c = 0; c < CLASSES.size(); c++) {
            Files.createDirectories(images.resolve(names.get(c)));
            for (int i = 0; i < perClass[c]; i++) {
                BufferedImage img = new BufferedImage(24 + i % 5, 24, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        int[] rgb = {rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60)};
                        rgb[2 - c] += 150 + (x * 3 + y) % 40;
                        img.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                    }
                }
                ImageIO.write(img, "png", images.resolve(names.get(c)).resolve(String.format("%03d.png", i)).toFile());
            }
        }
    }

    /**
     * The run of the images under {@code images} in {@code root/run}: layers {@code mean} (mean
     * colour) and {@code colour} (mean and spread, the default); row {@code planted} (−1: none) is
     * predicted red with p = 0.995.
     */
    static Path writeRun(Path root, Path images, int planted) throws IOException {
        String spec = "folder:" + images;
        ImageSet set = DataSpecs.open(spec, null);
        int n = set.size();
        float[][] feat = new float[n][6];
        int[] labels = new int[n];
        int[] topIdx = new int[n * 2];
        float[] topP = new float[n * 2];
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Image img = set.read(i);
            feat[i] = colourFeatures(img);
            labels[i] = set.label(i);
            ids.append(set.id(i)).append('\n');
            int pred = argmax(feat[i]);
            float p = 0.6f + 0.3f * (i % 10) / 10f;
            if (i == planted) {
                pred = CLASSES.indexOf("red");
                p = 0.995f;
            }
            topIdx[2 * i] = pred;
            topIdx[2 * i + 1] = (pred + 1) % 3;
            topP[2 * i] = p;
            topP[2 * i + 1] = 1 - p;
        }
        Path run = root.resolve("run");
        Files.createDirectories(run.resolve("layers"));
        Npy.write(run.resolve("layers/colour.npy"), feat);
        float[][] mean = new float[n][];
        for (int i = 0; i < n; i++) mean[i] = java.util.Arrays.copyOf(feat[i], 3);
        Npy.write(run.resolve("layers/mean.npy"), mean);
        Npy.write(run.resolve("labels.npy"), labels, n);
        Npy.write(run.resolve("topk_indices.npy"), topIdx, n, 2);
        Npy.write(run.resolve("topk_probs.npy"), topP, n, 2);
        Files.writeString(run.resolve("ids.txt"), ids);
        Files.writeString(run.resolve("classes.txt"), String.join("\n", set.classes()) + "\n");
        new Manifest("test", "now", n, List.of(new Manifest.Layer("mean", "layers/mean.npy", new long[] {n, 3}, "avg", null, null), new Manifest.Layer("colour", "layers/colour.npy", new long[] {n, 6}, "avg", null, null)),
                "labels.npy", "classes.txt", set.classes(), "ids.txt", new Manifest.Model("colour-rule", "ab".repeat(32), "rule", null),
                new Manifest.Data(spec, n, null, null), 3,
                new Manifest.TopK(2, "prediction", "topk_indices.npy", "topk_probs.npy", null, "dataset", null), null, null).write(run);
        return run;
    }

    /** Mean and standard deviation of R, G, B over the image, in 0..1. */
    static float[] colourFeatures(Image img) {
        double[] sum = new double[3], sq = new double[3];
        int px = img.width() * img.height();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    double v = img.sample(y, x, c) / 255.0;
                    sum[c] += v;
                    sq[c] += v * v;
                }
            }
        }
        float[] f = new float[6];
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / px;
            f[c] = (float) m;
            f[3 + c] = (float) Math.sqrt(Math.max(0, sq[c] / px - m * m));
        }
        return f;
    }

    /** The class of the strongest channel: blue 0, green 1, red 2 (the classes in name order). */
    private static int argmax(float[] f) {
        int[] channelOfClass = {2, 1, 0};
        int best = 0;
        for (int k = 1; k < 3; k++) if (f[channelOfClass[k]] > f[channelOfClass[best]]) best = k;
        return best;
    }
}
