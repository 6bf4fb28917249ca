package imvec.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a decoded image into a model input: resize, scale samples to [0,1], then
 * {@code (x − mean) / std} per channel, written channel-first (CHW) as float32. Serializable, so
 * a Spark driver can hand the exact same preprocessing to its executors.
 */
public final class Preprocess implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** How the image is brought to the model's size. */
    public enum Resize {
        /** Both sides scaled to the target size independently (aspect ratio not kept). */
        STRETCH,
        /** Shorter side scaled to the target, then the centre cropped (aspect ratio kept). */
        CROP;

        public static Resize parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "stretch" -> STRETCH;
                case "crop", "center-crop", "centre-crop", "shorter-crop" -> CROP;
                default -> throw new imvec.util.UserError("unknown resize mode '" + s + "'; use stretch or crop.");
            };
        }
    }

    /**
     * Where output pixel centres fall on the source. {@code HALF_PIXEL} is the usual convention
     * (OpenCV, PIL, PyTorch align_corners=False); {@code ASYMMETRIC} is TensorFlow's legacy
     * {@code resize_bilinear} (half_pixel_centers=False) that Keras/tfjs models were evaluated with.
     */
    public enum Sampling {
        HALF_PIXEL, ASYMMETRIC;

        public static Sampling parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "half-pixel", "half_pixel" -> HALF_PIXEL;
                case "asymmetric", "tf-legacy" -> ASYMMETRIC;
                default -> throw new imvec.util.UserError("unknown sampling '" + s + "'; use half-pixel or asymmetric.");
            };
        }
    }

    private final int channels;
    private final int height;
    private final int width;
    private final Resize resize;
    private final Sampling sampling;
    private final float[] mean;
    private final float[] std;

    private Preprocess(Builder b) {
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
        this.resize = b.resize;
        this.sampling = b.sampling;
        this.mean = expand(b.mean, b.channels, "mean");
        this.std = expand(b.std, b.channels, "std");
        for (float s : std) {
            if (!(s > 0)) throw new imvec.util.UserError("std must be positive, got " + Arrays.toString(b.std) + ".");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public Resize resize() {
        return resize;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** Values per preprocessed image. */
    public int size() {
        return channels * height * width;
    }

    public float[] apply(Image img) {
        float[] out = new float[size()];
        apply(img, out, 0);
        return out;
    }

    /**
     * Writes the CHW tensor of {@code img} into {@code dst} starting at {@code offset}.
     * Bilinear resampling done separably: each source row needed is interpolated across once
     * (and kept while consecutive output rows share it), then two such rows are blended down.
     * The float operations are the same, in the same order, as blending the four neighbours
     * per output pixel, so the result is bit-identical to that direct form, at a fraction of
     * the work (no per-sample bounds arithmetic, each source row widened once, not per pixel).
     */
    public void apply(Image img, float[] dst, int offset) {
        apply(img.pixels(), img.width(), img.height(), img.channels(), img.origin(), dst, offset);
    }

    /**
     * As {@link #apply(Image, float[], int)} on the first {@code width × height × channels}
     * samples of {@code pixels} (interleaved HWC; the array may be longer, so a decoder can reuse
     * one buffer per thread), which came from a picture of {@code origin}'s size and scale.
     */
    public void apply(byte[] pixels, int width, int height, int channels, Image.Origin origin, float[] dst, int offset) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("an image has 1 or 3 channels, not " + channels);
        if (pixels.length < width * height * channels) {
            throw new IllegalArgumentException(pixels.length + " samples cannot hold " + width + "×" + height + "×" + channels);
        }
        applyChecked(pixels, width, height, channels, origin, dst, offset);
    }

    private void applyChecked(byte[] px, int imgWidth, int imgHeight, int ch, Image.Origin o, float[] dst, int offset) {
        // Source window, in the stored image's pixels: the whole image for STRETCH, the centred
        // square-ish window for CROP. A DCT-scaled decode is mapped through origin.scale, so it
        // covers the same region as a full-size decode would (its rounded-up size does not matter).
        double srcW = o.width(), srcH = o.height(), x0 = 0, y0 = 0, s = o.scale();
        if (resize == Resize.CROP) {
            double scale = Math.max((double) width / o.width(), (double) height / o.height());
            srcW = width / scale;
            srcH = height / scale;
            x0 = (o.width() - srcW) / 2;
            y0 = (o.height() - srcH) / 2;
        }
        double sx = srcW / width, sy = srcH / height;
        int[] xLo = new int[width], xHi = new int[width];
        float[] xFrac = new float[width];
        for (int x = 0; x < width; x++) {
            double fx = sampling == Sampling.HALF_PIXEL ? x0 + (x + 0.5) * sx - 0.5 : x0 + x * sx;
            axis(toScaled(fx, s), imgWidth, x, xLo, xHi, xFrac);
        }
        float[] top = new float[width * ch], bottom = new float[width * ch], spare;
        int topRow = -1, bottomRow = -1;
        int[] yLo = new int[1], yHi = new int[1];
        float[] yFrac = new float[1];
        for (int y = 0; y < height; y++) {
            double fy = sampling == Sampling.HALF_PIXEL ? y0 + (y + 0.5) * sy - 0.5 : y0 + y * sy;
            axis(toScaled(fy, s), imgHeight, 0, yLo, yHi, yFrac);
            if (yLo[0] != topRow) {
                if (yLo[0] == bottomRow) { // moving down by one source row: the old bottom is the new top
                    spare = top;
                    top = bottom;
                    bottom = spare;
                    bottomRow = -1;
                } else {
                    widenRow(px, imgWidth, ch, yLo[0], xLo, xHi, xFrac, top);
                }
                topRow = yLo[0];
            }
            if (yHi[0] != bottomRow) {
                widenRow(px, imgWidth, ch, yHi[0], xLo, xHi, xFrac, bottom);
                bottomRow = yHi[0];
            }
            writeRow(top, bottom, yFrac[0], ch, dst, offset + y * width);
        }
    }

    /** One source row interpolated across to the output width, channels interleaved. */
    private void widenRow(byte[] px, int imgWidth, int ch, int row, int[] xLo, int[] xHi, float[] xFrac, float[] out) {
        int base = row * imgWidth * ch;
        for (int x = 0; x < width; x++) {
            int lo = base + xLo[x] * ch, hi = base + xHi[x] * ch;
            float t = xFrac[x];
            for (int c = 0; c < ch; c++) {
                out[x * ch + c] = lerp(px[lo + c] & 0xFF, px[hi + c] & 0xFF, t);
            }
        }
    }

    /** Blends two widened rows and normalises into the channel planes of one output row. */
    private void writeRow(float[] top, float[] bottom, float t, int ch, float[] dst, int at) {
        int plane = height * width;
        if (channels == ch) {
            for (int c = 0; c < channels; c++) {
                float m = mean[c], s = std[c];
                int o = at + c * plane;
                for (int x = 0; x < width; x++) {
                    dst[o + x] = (lerp(top[x * ch + c], bottom[x * ch + c], t) / 255f - m) / s;
                }
            }
        } else if (channels == 3) { // grey image into an RGB model: replicate
            for (int x = 0; x < width; x++) {
                float v = lerp(top[x], bottom[x], t) / 255f;
                for (int c = 0; c < 3; c++) dst[at + x + c * plane] = (v - mean[c]) / std[c];
            }
        } else { // RGB image into a grey model: ITU-R BT.601 luma
            for (int x = 0; x < width; x++) {
                float r = lerp(top[3 * x], bottom[3 * x], t) / 255f;
                float g = lerp(top[3 * x + 1], bottom[3 * x + 1], t) / 255f;
                float b = lerp(top[3 * x + 2], bottom[3 * x + 2], t) / 255f;
                float luma = 0.299f * r + 0.587f * g + 0.114f * b;
                dst[at + x] = (luma - mean[0]) / std[0];
            }
        }
    }

    /**
     * A position in stored-image pixels (pixel i centred at i) as a position in pixels of a decode
     * scaled by {@code s}, whose pixel j covers stored pixels [j/s, (j+1)/s): the same for either
     * sampling convention, which only decides where output pixels fall on the stored image.
     */
    private static double toScaled(double f, double s) {
        return s == 1 ? f : (f + 0.5) * s - 0.5;
    }

    private static void axis(double f, int n, int i, int[] lo, int[] hi, float[] frac) {
        f = Math.max(0, Math.min(n - 1, f));
        int l = (int) Math.floor(f);
        lo[i] = l;
        hi[i] = Math.min(l + 1, n - 1);
        frac[i] = (float) (f - l);
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }

    private static float[] expand(float[] v, int channels, String what) {
        if (v.length == channels) return v.clone();
        if (v.length == 1) {
            float[] out = new float[channels];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw new imvec.util.UserError(what + " has " + v.length + " values but the model takes " + channels + " channels.");
    }

    /** Provenance: everything needed to redo this preprocessing. */
    public String describe() {
        return String.format(Locale.ROOT, "%dx%dx%d %s %s mean=%s std=%s", channels, height, width,
                resize.name().toLowerCase(Locale.ROOT), sampling.name().toLowerCase(Locale.ROOT),
                Arrays.toString(mean), Arrays.toString(std));
    }

    public static final class Builder {
        private int channels = 3;
        private int height = -1;
        private int width = -1;
        private Resize resize = Resize.STRETCH;
        private Sampling sampling = Sampling.HALF_PIXEL;
        private float[] mean = {0f};
        private float[] std = {1f};

        public Builder setSize(int height, int width) {
            if (height <= 0 || width <= 0) throw new imvec.util.UserError("image size must be positive, got " + height + "x" + width + ".");
            this.height = height;
            this.width = width;
            return this;
        }

        public Builder setChannels(int channels) {
            if (channels != 1 && channels != 3) throw new imvec.util.UserError("a model input has 1 or 3 channels, not " + channels + ".");
            this.channels = channels;
            return this;
        }

        public Builder optResize(Resize resize) {
            this.resize = resize;
            return this;
        }

        public Builder optSampling(Sampling sampling) {
            this.sampling = sampling;
            return this;
        }

        public Builder optMean(float... mean) {
            this.mean = mean.clone();
            return this;
        }

        public Builder optStd(float... std) {
            this.std = std.clone();
            return this;
        }

        public Preprocess build() {
            if (height <= 0) throw new IllegalStateException("setSize is required");
            return new Preprocess(this);
        }
    }
}
