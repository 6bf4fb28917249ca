package imvec.train;

import imvec.util.UserError;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a training image each time it is drawn, so a small net sees more than the
 * 50,000 fixed CIFAR-10 pictures. {@code flip} mirrors left–right with probability ½; {@code crop}
 * shifts the image by up to 4 pixels each way, filling with 0 — the standardised mean — which is
 * the usual pad-by-4-then-crop for 32×32 images. Both act on one CHW image in place.
 */
public record Augmentation(boolean flip, int shift) {
    public static final Augmentation NONE = new Augmentation(false, 0);
    static final int CROP_SHIFT = 4;

    /** {@code none}, {@code flip}, {@code crop} or {@code flip,crop}. */
    public static Augmentation parse(String spec) {
        boolean flip = false;
        int shift = 0;
        for (String part : spec.split(",")) {
            switch (part.strip()) {
                case "none" -> { }
                case "flip" -> flip = true;
                case "crop" -> shift = CROP_SHIFT;
                default -> throw new UserError("unknown augmentation '" + part.strip() + "'; use none, flip, crop or flip,crop.");
            }
        }
        return new Augmentation(flip, shift);
    }

    public boolean isNone() {
        return !flip && shift == 0;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (flip) parts.add("flip");
        if (shift > 0) parts.add("crop (shift ≤ " + shift + " px, zero fill)");
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /** Augments the image at {@code x[offset …]} (C × H × W) in place; {@code scratch} holds H × W. */
    void apply(float[] x, int offset, int channels, int height, int width, Random random, float[] scratch) {
        boolean mirror = flip && random.nextBoolean();
        int dy = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        int dx = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        if (!mirror && dx == 0 && dy == 0) return;
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int base = offset + c * plane;
            System.arraycopy(x, base, scratch, 0, plane);
            for (int r = 0; r < height; r++) {
                int sr = r + dy;
                for (int col = 0; col < width; col++) {
                    int sc = (mirror ? width - 1 - col : col) + dx;
                    x[base + r * width + col] = sr < 0 || sr >= height || sc < 0 || sc >= width ? 0f : scratch[sr * width + sc];
                }
            }
        }
    }
}
