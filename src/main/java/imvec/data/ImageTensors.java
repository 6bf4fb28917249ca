package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

/**
 * A whole image set preprocessed into memory as one NCHW float32 array, for training and
 * benchmarks. Unreadable images are left out and named in {@link #skipped()}.
 */
public record ImageTensors(float[] x, int[] y, int n, int channels, int height, int width,
                           List<String> classes, List<String> skipped) {

    /** Per-channel mean and standard deviation of these pixels: {@code {mean[c], std[c]}}. */
    public float[][] channelStats() {
        int plane = height * width;
        double[] sum = new double[channels], sq = new double[channels];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < channels; k++) {
                int base = (i * channels + k) * plane;
                for (int p = 0; p < plane; p++) {
                    double v = x[base + p];
                    sum[k] += v;
                    sq[k] += v * v;
                }
            }
        }
        float[] mean = new float[channels], std = new float[channels];
        double count = (double) n * plane;
        for (int k = 0; k < channels; k++) {
            mean[k] = (float) (sum[k] / count);
            std[k] = (float) Math.sqrt(Math.max(1e-12, sq[k] / count - mean[k] * (double) mean[k]));
        }
        return new float[][]{mean, std};
    }

    /** Subtracts each channel's mean and divides by its deviation, in place (statistics of the training split). */
    public void standardise(float[][] stats) {
        int plane = height * width;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < channels; k++) {
                int base = (i * channels + k) * plane;
                for (int p = 0; p < plane; p++) x[base + p] = (x[base + p] - stats[0][k]) / stats[1][k];
            }
        }
    }

    public int size() {
        return channels * height * width;
    }

    /** Decodes and preprocesses every image on all cores; {@code progress} gets (done, total). */
    public static ImageTensors load(ImageSet set, Preprocess pre, BiConsumer<Long, Long> progress) {
        int total = set.size();
        if (total == 0) throw new UserError("dataset " + set.spec() + " holds no images.");
        int per = pre.size();
        if ((long) total * per > Integer.MAX_VALUE - 8) {
            throw new UserError(set.spec() + " is too large to hold in memory at " + pre.height() + "x" + pre.width()
                    + " (" + total + " images); use a subset or a smaller size.");
        }
        float[] x = new float[total * per];
        boolean[] ok = new boolean[total];
        String[] reason = new String[total];
        AtomicLong done = new AtomicLong();
        IntStream.range(0, total).parallel().forEach(i -> {
            try {
                set.readInto(i, pre, x, i * per);
                ok[i] = true;
            } catch (UnreadableImageException e) {
                reason[i] = e.getMessage();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long d = done.incrementAndGet();
            if (progress != null && (d % 256 == 0 || d == total)) progress.accept(d, (long) total);
        });
        return compact(set, pre, x, ok, reason);
    }

    private static ImageTensors compact(ImageSet set, Preprocess pre, float[] x, boolean[] ok, String[] reason) {
        int per = pre.size(), n = 0;
        List<String> skipped = new ArrayList<>();
        int[] y = new int[ok.length];
        for (int i = 0; i < ok.length; i++) {
            if (!ok[i]) {
                skipped.add(reason[i]);
                continue;
            }
            if (n != i) System.arraycopy(x, i * per, x, n * per, per);
            y[n++] = set.label(i);
        }
        if (n == 0) throw new UserError("no image of " + set.spec() + " could be read.");
        float[] xs = n == ok.length ? x : java.util.Arrays.copyOf(x, n * per);
        return new ImageTensors(xs, java.util.Arrays.copyOf(y, n), n, pre.channels(), pre.height(), pre.width(),
                set.classes(), skipped);
    }
}
