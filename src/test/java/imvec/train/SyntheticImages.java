package imvec.train;

import java.util.Random;

/**
 * Linearly separable images for tests: class k lights up the k-th horizontal band of the image,
 * on top of low-amplitude noise, so a working classifier must reach 100% accuracy.
 */
record SyntheticImages(float[] x, int[] y, int n) {

    public static SyntheticImages bands(int n, int classes, int channels, int height, int width, long seed) {
        Random random = new Random(seed);
        int plane = height * width;
        float[] x = new float[n * channels * plane];
        int[] y = new int[n];
        int band = height / classes;
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int c = 0; c < channels; c++) {
                int offset = (i * channels + c) * plane;
                for (int r = 0; r < height; r++) {
                    boolean lit = r / band == y[i];
                    for (int col = 0; col < width; col++) {
                        x[offset + r * width + col] = (lit ? 1f : 0f) + 0.2f * (float) random.nextGaussian();
                    }
                }
            }
        }
        return new SyntheticImages(x, y, n);
    }
}
