package imvec.analysis;

import java.util.Arrays;

/**
 * Localisation maps turned into segmentations and scored against masks. Maps are per-location
 * logits at the conv map's resolution; they are upsampled bilinearly (half-pixel centres, as
 * PyTorch's {@code interpolate(align_corners=False)}) to the mask's size, each pixel takes the
 * label whose upsampled map is highest, and keeps it when sigmoid of that map exceeds a threshold,
 * else it is background. Sigmoid is monotone, so the argmax is taken on logits.
 */
public final class Localisation {
    private Localisation() {
    }

    /** Per pixel of the output: the winning label (index into the maps) and its logit. */
    public record Argmax(int width, int height, int[] label, float[] logit) {
    }

    /** One map (h×w, row-major) upsampled bilinearly to outH×outW. */
    public static float[] bilinear(float[] map, int h, int w, int outH, int outW) {
        Axis ys = new Axis(h, outH), xs = new Axis(w, outW);
        float[] out = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) out[y * outW + x] = sample(map, w, ys, xs, y, x);
        }
        return out;
    }

    /**
     * The per-pixel argmax over labels of the upsampled maps ({@code maps[l]} is label l's h×w map),
     * without upsampling every map: an upsampled value lies between the smallest and largest of
     * its four source neighbours, so per source quad only labels whose largest corner reaches the
     * best smallest corner can win there, and only those are interpolated. The result equals the
     * argmax of the fully upsampled maps.
     */
    public static Argmax argmax(float[][] maps, int h, int w, int outH, int outW) {
        if (maps.length == 0) throw new IllegalArgumentException("no maps to take the argmax of");
        Axis ys = new Axis(h, outH), xs = new Axis(w, outW);
        int[][] candidates = new int[h * w][];
        int[] label = new int[outH * outW];
        float[] logit = new float[outH * outW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int quad = ys.lo[y] * w + xs.lo[x];
                int[] cand = candidates[quad];
                if (cand == null) cand = candidates[quad] = candidates(maps, w, ys.lo[y], ys.hi[y], xs.lo[x], xs.hi[x]);
                int best = cand[0];
                float bestValue = sample(maps[best], w, ys, xs, y, x);
                for (int i = 1; i < cand.length; i++) {
                    float v = sample(maps[cand[i]], w, ys, xs, y, x);
                    if (v > bestValue) {
                        bestValue = v;
                        best = cand[i];
                    }
                }
                label[y * outW + x] = best;
                logit[y * outW + x] = bestValue;
            }
        }
        return new Argmax(outW, outH, label, logit);
    }

    private static int[] candidates(float[][] maps, int w, int y0, int y1, int x0, int x1) {
        float bestLow = Float.NEGATIVE_INFINITY;
        float[] high = new float[maps.length];
        for (int l = 0; l < maps.length; l++) {
            float[] m = maps[l];
            float a = m[y0 * w + x0], b = m[y0 * w + x1], c = m[y1 * w + x0], d = m[y1 * w + x1];
            bestLow = Math.max(bestLow, Math.min(Math.min(a, b), Math.min(c, d)));
            high[l] = Math.max(Math.max(a, b), Math.max(c, d));
        }
        int[] out = new int[maps.length];
        int n = 0;
        for (int l = 0; l < maps.length; l++) if (high[l] >= bestLow) out[n++] = l;
        return Arrays.copyOf(out, n);
    }

    private static float sample(float[] m, int w, Axis ys, Axis xs, int y, int x) {
        int y0 = ys.lo[y], y1 = ys.hi[y], x0 = xs.lo[x], x1 = xs.hi[x];
        float fy = ys.frac[y], fx = xs.frac[x];
        float top = m[y0 * w + x0] + (m[y0 * w + x1] - m[y0 * w + x0]) * fx;
        float bottom = m[y1 * w + x0] + (m[y1 * w + x1] - m[y1 * w + x0]) * fx;
        return top + (bottom - top) * fy;
    }

    /** Source neighbours and weights along one axis, half-pixel centres, clamped at the edges. */
    private static final class Axis {
        final int[] lo;
        final int[] hi;
        final float[] frac;

        Axis(int source, int target) {
            lo = new int[target];
            hi = new int[target];
            frac = new float[target];
            double scale = (double) source / target;
            for (int i = 0; i < target; i++) {
                double f = Math.max(0, Math.min(source - 1, (i + 0.5) * scale - 0.5));
                lo[i] = (int) Math.floor(f);
                hi[i] = Math.min(lo[i] + 1, source - 1);
                frac[i] = (float) (f - lo[i]);
            }
        }
    }

    /** The logit whose sigmoid is {@code p}: a probability threshold on the logit scale. */
    public static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    /**
     * Micro-averaged intersection over union at many thresholds at once, PASCAL VOC style: pixel
     * counts are summed over all images per class, then IoU per class, then the mean over classes
     * that occur (in the truth or the prediction). Classes are 0 for background and k+1 for label k;
     * pixels marked −1 are ignored. Each pixel is binned once by its winning probability, so adding
     * an image costs the same for one threshold or twenty.
     */
    public static final class IouCurve {
        private final double[] thresholds;
        private final int classes;
        private final long[] truthCount;
        private final long[][] hit;
        private final long[][] predicted;
        private final long[] backgroundTruth;
        private final long[] all;

        /** {@code labels} foreground classes; {@code thresholds} probabilities in [0, 1]. */
        public IouCurve(int labels, double[] thresholds) {
            this.thresholds = thresholds.clone();
            Arrays.sort(this.thresholds);
            this.classes = labels + 1;
            int bins = thresholds.length + 1;
            truthCount = new long[classes];
            hit = new long[classes][bins];
            predicted = new long[classes][bins];
            backgroundTruth = new long[bins];
            all = new long[bins];
        }

        public double[] thresholds() {
            return thresholds.clone();
        }

        /**
         * One image: per pixel the winning label (0-based), its probability, and the true class
         * (0 background, k+1 label k, −1 ignored), all at the same resolution.
         */
        public void add(int[] label, float[] probability, int[] truth) {
            for (int i = 0; i < truth.length; i++) {
                int t = truth[i];
                if (t < 0) continue;
                int bin = bin(probability[i]);
                int c = label[i] + 1;
                truthCount[t]++;
                all[bin]++;
                predicted[c][bin]++;
                if (t == c) hit[c][bin]++;
                if (t == 0) backgroundTruth[bin]++;
            }
        }

        /** Thresholds strictly below p: the pixel is foreground at threshold j exactly when j < bin. */
        private int bin(float p) {
            int b = 0;
            while (b < thresholds.length && thresholds[b] < p) b++;
            return b;
        }

        /** IoU per class (index 0 background) at threshold j; NaN for a class absent from truth and prediction. */
        public double[] iou(int j) {
            double[] out = new double[classes];
            long bgPredicted = 0, bgHit = 0;
            for (int b = 0; b <= j; b++) {
                bgPredicted += all[b];
                bgHit += backgroundTruth[b];
            }
            out[0] = ratio(bgHit, truthCount[0] + bgPredicted - bgHit);
            for (int c = 1; c < classes; c++) {
                long inter = 0, pred = 0;
                for (int b = j + 1; b < all.length; b++) {
                    inter += hit[c][b];
                    pred += predicted[c][b];
                }
                out[c] = ratio(inter, truthCount[c] + pred - inter);
            }
            return out;
        }

        /** Mean IoU at threshold j over the classes that occur, background included (as VOC reports it). */
        public double meanIou(int j) {
            return mean(iou(j), 0);
        }

        /** Mean IoU at threshold j over the foreground classes that occur. */
        public double meanForegroundIou(int j) {
            return mean(iou(j), 1);
        }

        private static double mean(double[] v, int from) {
            double s = 0;
            int n = 0;
            for (int i = from; i < v.length; i++) {
                if (!Double.isNaN(v[i])) {
                    s += v[i];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }

        private static double ratio(long a, long b) {
            return b == 0 ? Double.NaN : (double) a / b;
        }
    }

    /**
     * For each region of a mask (each class value present, background included, ignored pixels
     * left out), the IoU with the segment that overlaps it best. The segmentation (segW×segH ids
     * in 0..k−1) is read at mask resolution by nearest neighbour.
     */
    public static double[] bestSegmentIou(int[] segments, int segW, int segH, int k, int[] mask, int maskW, int maskH) {
        int regions = 0;
        for (int v : mask) regions = Math.max(regions, v + 1);
        long[][] overlap = new long[regions][k];
        long[] regionSize = new long[regions];
        long[] segmentSize = new long[k];
        for (int y = 0; y < maskH; y++) {
            int sy = Math.min(segH - 1, (int) ((y + 0.5) * segH / maskH));
            for (int x = 0; x < maskW; x++) {
                int r = mask[y * maskW + x];
                if (r < 0) continue;
                int sx = Math.min(segW - 1, (int) ((x + 0.5) * segW / maskW));
                int s = segments[sy * segW + sx];
                overlap[r][s]++;
                regionSize[r]++;
                segmentSize[s]++;
            }
        }
        double[] out = new double[regions];
        int n = 0;
        for (int r = 0; r < regions; r++) {
            if (regionSize[r] == 0) continue;
            double best = 0;
            for (int s = 0; s < k; s++) {
                long union = regionSize[r] + segmentSize[s] - overlap[r][s];
                if (union > 0) best = Math.max(best, (double) overlap[r][s] / union);
            }
            out[n++] = best;
        }
        return Arrays.copyOf(out, n);
    }
}
