package imvec.analysis;

import imvec.util.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TsneTest {
    /** Gaussian blobs around centres `separation` apart in each coordinate direction. */
    static float[][] blobs(int perClass, int classes, int d, double separation, long seed, int[] labels) {
        Random r = new Random(seed);
        double[][] centres = new double[classes][d];
        for (double[] c : centres) for (int k = 0; k < d; k++) c[k] = separation * r.nextGaussian();
        float[][] x = new float[perClass * classes][d];
        for (int i = 0; i < x.length; i++) {
            int c = i % classes;
            labels[i] = c;
            for (int k = 0; k < d; k++) x[i][k] = (float) (centres[c][k] + r.nextGaussian());
        }
        return x;
    }

    static float[][] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][d];
        for (float[] row : x) for (int k = 0; k < d; k++) row[k] = (float) r.nextGaussian();
        return x;
    }

    /** Leave-one-out accuracy of a majority vote over the k nearest other points (ties: nearer votes win). */
    static double knnAccuracy(double[][] y, int[] labels, int k) {
        int n = y.length, correct = 0;
        int classes = java.util.Arrays.stream(labels).max().orElse(0) + 1;
        for (int i = 0; i < n; i++) {
            // Insertion into a sorted list of the k nearest so far.
            double[] near = new double[k];
            int[] idx = new int[k];
            java.util.Arrays.fill(near, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                double s = 0;
                for (int c = 0; c < y[i].length; c++) s += (y[i][c] - y[j][c]) * (y[i][c] - y[j][c]);
                if (s >= near[k - 1]) continue;
                int m = k - 1;
                while (m > 0 && near[m - 1] > s) {
                    near[m] = near[m - 1];
                    idx[m] = idx[m - 1];
                    m--;
                }
                near[m] = s;
                idx[m] = j;
            }
            double[] votes = new double[classes];
            for (int m = 0; m < k; m++) votes[labels[idx[m]]] += 1 + 1e-6 * (k - m);
            int best = 0;
            for (int c = 1; c < classes; c++) if (votes[c] > votes[best]) best = c;
            if (best == labels[i]) correct++;
        }
        return correct / (double) n;
    }

    /** KL(P‖Q) written out over the dense matrices, independent of the library's force code. */
    static double denseKl(double[][] p, double[] y, int dims) {
        int n = p.length;
        double[][] w = new double[n][n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                double d2 = 0;
                for (int k = 0; k < dims; k++) d2 += Math.pow(y[i * dims + k] - y[j * dims + k], 2);
                w[i][j] = 1 / (1 + d2);
                z += w[i][j];
            }
        }
        double kl = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && p[i][j] > 0) kl += p[i][j] * Math.log(p[i][j] / (w[i][j] / z));
            }
        }
        return kl;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void exactGradientMatchesFiniteDifferencesOfTheKlDivergence(int dims) {
        int n = 25;
        Affinities p = Affinities.exact(gaussian(n, 6, 1), 5);
        double[][] dense = p.dense();
        Random r = new Random(2);
        double[] y = new double[n * dims];
        for (int e = 0; e < y.length; e++) y[e] = 2 * r.nextGaussian();
        Tsne.Optimiser opt = new Tsne.Optimiser(p, y, dims, 0);
        double[] grad = opt.gradient(1);
        assertThat(opt.klDivergence(true)).isCloseTo(denseKl(dense, y, dims), within(1e-10));
        double h = 1e-5;
        for (int e = 0; e < y.length; e++) {
            double keep = y[e];
            y[e] = keep + h;
            double up = denseKl(dense, y, dims);
            y[e] = keep - h;
            double down = denseKl(dense, y, dims);
            y[e] = keep;
            assertThat(grad[e]).as("coordinate %d", e).isCloseTo((up - down) / (2 * h), within(1e-7));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void barnesHutGradientApproachesTheExactOneAsThetaShrinks(int dims) {
        int n = 400;
        Affinities p = Affinities.nearestNeighbours(gaussian(n, 8, 3), 10, 31);
        Random r = new Random(4);
        double[] y = new double[n * dims];
        for (int e = 0; e < y.length; e++) y[e] = 10 * r.nextGaussian();
        double[] exact = new Tsne.Optimiser(p, y.clone(), dims, 0).gradient(1);
        double previous = Double.POSITIVE_INFINITY;
        for (double theta : new double[]{0.8, 0.5, 0.2, 0.05}) {
            double[] bh = new Tsne.Optimiser(p, y.clone(), dims, theta).gradient(1);
            double err = 0, norm = 0;
            for (int e = 0; e < y.length; e++) {
                err += (bh[e] - exact[e]) * (bh[e] - exact[e]);
                norm += exact[e] * exact[e];
            }
            double rel = Math.sqrt(err / norm);
            assertThat(rel).as("relative error at theta %s", theta).isLessThanOrEqualTo(previous);
            if (theta <= 0.5) assertThat(rel).as("relative error at theta %s", theta).isLessThan(0.05);
            if (theta <= 0.05) assertThat(rel).isLessThan(2e-3);
            previous = rel;
        }
    }

    @Test
    void conditionalRowsHaveTheRequestedPerplexity() {
        float[][] x = gaussian(200, 5, 5);
        NearestNeighbours.Result nn = NearestNeighbours.of(x, 60);
        double[] out = new double[nn.squaredDistances().length];
        for (int i = 0; i < 200; i += 17) {
            Affinities.calibrate(nn.squaredDistances(), i * 60, 60, 20, out);
            double h = 0, s = 0;
            for (int m = i * 60; m < i * 60 + 60; m++) {
                s += out[m];
                if (out[m] > 0) h -= out[m] * Math.log(out[m]);
            }
            assertThat(s).isCloseTo(1, within(1e-12));
            assertThat(Math.exp(h)).isCloseTo(20, within(20 * 1e-4));
        }
    }

    @Test
    void nearestNeighboursMatchBruteForce() {
        float[][] x = gaussian(700, 12, 6);
        int k = 15;
        NearestNeighbours.Result nn = NearestNeighbours.of(x, k);
        for (int i = 0; i < x.length; i += 7) {
            double[] d = new double[x.length];
            Integer[] idx = new Integer[x.length];
            for (int j = 0; j < x.length; j++) {
                double s = 0;
                for (int c = 0; c < 12; c++) s += Math.pow((double) x[i][c] - x[j][c], 2);
                d[j] = j == i ? Double.POSITIVE_INFINITY : s;
                idx[j] = j;
            }
            java.util.Arrays.sort(idx, (a, b) -> Double.compare(d[a], d[b]));
            for (int m = 0; m < k; m++) {
                assertThat(nn.indices()[i * k + m]).isEqualTo(idx[m]);
                assertThat(nn.squaredDistances()[i * k + m]).isCloseTo(d[idx[m]], within(1e-9));
            }
        }
    }

    @Test
    void neighbourAffinitiesWithAllNeighboursEqualTheExactOnesAndAreSymmetric() {
        float[][] x = gaussian(60, 4, 7);
        double[][] exact = Affinities.exact(x, 8).dense();
        double[][] knn = Affinities.nearestNeighbours(x, 8, 59).dense();
        double total = 0;
        for (int i = 0; i < 60; i++) {
            for (int j = 0; j < 60; j++) {
                assertThat(knn[i][j]).isCloseTo(exact[i][j], within(1e-15));
                assertThat(exact[i][j]).isCloseTo(exact[j][i], within(1e-18));
                total += exact[i][j];
            }
            assertThat(exact[i][i]).isZero();
        }
        assertThat(total).isCloseTo(1, within(1e-12));
    }

    @Test
    void deterministicGivenASeedWhateverTheThreadCount() {
        int[] labels = new int[1200];
        float[][] x = blobs(300, 4, 10, 4, 8, labels);
        Tsne.Builder b = Tsne.builder().optIterations(120).optSeed(3);
        Tsne.Result one = b.optThreads(1).build().fit(x);
        Tsne.Result two = b.optThreads(2).build().fit(x);
        Tsne.Result again = b.optThreads(2).build().fit(x);
        assertThat(one.affinities()).isEqualTo("nearest neighbours");
        for (int i = 0; i < x.length; i++) {
            assertThat(two.embedding()[i]).containsExactly(one.embedding()[i]);
            assertThat(again.embedding()[i]).containsExactly(one.embedding()[i]);
        }
        assertThat(two.klDivergence()).isEqualTo(one.klDivergence());
        // A random start depends on the seed.
        Tsne.Builder random = Tsne.builder().optIterations(60).optInit(Tsne.Init.RANDOM);
        double[][] s1 = random.optSeed(1).build().fit(x).embedding();
        double[][] s1b = random.optSeed(1).build().fit(x).embedding();
        double[][] s2 = random.optSeed(2).build().fit(x).embedding();
        assertThat(s1b[0]).containsExactly(s1[0]);
        assertThat(s2[0]).isNotEqualTo(s1[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void separatesWellSeparatedBlobs(int dims) {
        int[] labels = new int[600];
        float[][] x = blobs(120, 5, 20, 3, 9, labels);
        List<Double> kls = new ArrayList<>();
        Tsne.Result r = Tsne.builder().optDimensions(dims).optIterations(500)
                .optCallback((done, total, kl) -> {
                    if (!Double.isNaN(kl)) kls.add(kl);
                }).build().fit(x);
        assertThat(r.embedding()).hasNumberOfRows(600);
        for (double[] row : r.embedding()) {
            assertThat(row).hasSize(dims);
            for (double v : row) assertThat(v).isFinite();
        }
        assertThat(r.affinities()).isEqualTo("exact");
        assertThat(r.klExact()).isTrue();
        assertThat(knnAccuracy(r.embedding(), labels, 10)).isGreaterThanOrEqualTo(0.95);
        assertThat(kls).hasSize(10);
        // The KL divergence falls once exaggeration ends, and the final figure is the last one reported.
        assertThat(kls.get(kls.size() - 1)).isLessThan(kls.get(5));
        assertThat(r.klDivergence()).isCloseTo(r.klBarnesHut(), within(0.05 * r.klDivergence()));
    }

    @Test
    void separatesBlobsWithNeighbourAffinitiesAndPcaPreReduction() {
        int[] labels = new int[800];
        float[][] x = blobs(100, 8, 60, 2.5, 10, labels);
        Tsne.Result r = Tsne.builder().optExactLimit(0).optPcaDimensions(20).optIterations(500).build().fit(x);
        assertThat(r.affinities()).isEqualTo("nearest neighbours");
        assertThat(r.neighbours()).isEqualTo(91);
        assertThat(r.pcaDims()).isEqualTo(20);
        assertThat(knnAccuracy(r.embedding(), labels, 10)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void rejectsPerplexityNotBelowTheRowCountAndTooFewRows() {
        assertThatThrownBy(() -> Tsne.builder().build().fit(gaussian(20, 3, 1)))
                .isInstanceOf(UserError.class)
                .hasMessage("t-SNE perplexity (30) must be less than the number of rows of the feature matrix (20); use a smaller --perplexity.");
        assertThatThrownBy(() -> Tsne.builder().optPerplexity(2).build().fit(gaussian(3, 3, 1)))
                .isInstanceOf(UserError.class).hasMessage("t-SNE needs at least 4 rows; the feature matrix has 3.");
        assertThatThrownBy(() -> Tsne.builder().optDimensions(4)).isInstanceOf(UserError.class)
                .hasMessageContaining("2 or 3");
        assertThatThrownBy(() -> Tsne.builder().optPerplexity(0)).isInstanceOf(UserError.class);
        float[][] bad = gaussian(10, 3, 1);
        bad[4][1] = Float.NaN;
        assertThatThrownBy(() -> Tsne.builder().optPerplexity(3).build().fit(bad)).isInstanceOf(UserError.class)
                .hasMessageContaining("row 4");
    }

    @Test
    void embedsFashionMnistSoThatNeighboursShareClasses() throws IOException {
        Path dir = Path.of("/usr/share/datasets/fashion-mnist");
        Path images = dir.resolve("t10k-images-idx3-ubyte.gz"), labelsFile = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Assumptions.assumeTrue(Files.isRegularFile(images) && Files.isRegularFile(labelsFile),
                "Fashion-MNIST is not installed in " + dir + " (apt-get install -y dataset-fashion-mnist); skipping");
        int n = 5000;
        float[][] x = new float[n][784];
        int[] labels = new int[n];
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(images)))) {
            in.skipNBytes(16);
            byte[] px = new byte[784];
            for (int i = 0; i < n; i++) {
                in.readFully(px);
                for (int c = 0; c < 784; c++) x[i][c] = (px[c] & 0xFF) / 255f;
            }
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(labelsFile))) {
            in.skipNBytes(8);
            for (int i = 0; i < n; i++) labels[i] = in.read();
        }
        // Fewer iterations than the default keep this test quick; the classes are already apart by then.
        Tsne.Result r = Tsne.builder().optPcaDimensions(50).optIterations(400).build().fit(x);
        assertThat(r.affinities()).isEqualTo("nearest neighbours");
        assertThat(knnAccuracy(r.embedding(), labels, 10)).isGreaterThan(0.7);
    }
}
