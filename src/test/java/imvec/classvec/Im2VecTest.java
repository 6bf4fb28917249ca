package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Im2VecTest {
    /** Gaussian blobs: class c centred at a random mean in d dimensions. */
    record Blobs(float[] x, int[] y, int n, int d, List<String> classes) {
        static Blobs of(int perClass, int d, int k, long seed) {
            Random r = new Random(seed);
            double[][] means = new double[k][d];
            for (double[] m : means) for (int j = 0; j < d; j++) m[j] = r.nextGaussian() * 1.5;
            int n = perClass * k;
            float[] x = new float[n * d];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i % k;
                for (int j = 0; j < d; j++) x[i * d + j] = (float) (means[y[i]][j] + r.nextGaussian());
            }
            List<String> names = java.util.stream.IntStream.range(0, k).mapToObj(c -> "class" + c).toList();
            return new Blobs(x, y, n, d, names);
        }
    }

    @Test
    void learnsSeparableClassesAndItsClassVectorsInvertW2() {
        Blobs b = Blobs.of(200, 30, 4, 1);
        Blobs t = Blobs.of(50, 30, 4, 1);
        Im2Vec.Result r = Im2Vec.builder().optEpochs(40).optSeed(3).build().fit(b.x, b.y, b.n, b.d, b.classes, t.x, t.y, t.n);
        assertThat(r.trainAccuracy()).isGreaterThan(0.95);
        assertThat(r.epochs()).hasSize(40);
        assertThat(r.epochs().get(39).trainLoss()).isLessThan(r.epochs().get(0).trainLoss());
        assertThat(r.inverse().method()).isEqualTo(WeightInverse.EXACT_METHOD);
        double[][] w2 = r.weights().w2Matrix();
        for (int c = 0; c < 4; c++) {
            float[] v = r.vectors().vectors()[c];
            for (int i = 0; i < 4; i++) {
                double s = 0;
                for (int h = 0; h < 4; h++) s += w2[i][h] * v[h];
                assertThat(s).isCloseTo(i == c ? 1 : 0, within(1e-4));
            }
        }
    }

    @Test
    void wideHiddenLayerUsesThePseudoInverseAndExactIsRefusedBeforeTraining() {
        Blobs b = Blobs.of(20, 8, 3, 2);
        Im2Vec.Result r = Im2Vec.builder().optEpochs(2).optHidden(6).build().fit(b.x, b.y, b.n, b.d, b.classes, null, null, 0);
        assertThat(r.inverse().method()).isEqualTo(WeightInverse.PSEUDO_METHOD);
        assertThat(r.vectors().dims()).isEqualTo(6);
        assertThatThrownBy(() -> Im2Vec.builder().optEpochs(1000).optHidden(6).optInverse(WeightInverse.Mode.EXACT).build()
                .fit(b.x, b.y, b.n, b.d, b.classes, null, null, 0))
                .isInstanceOf(UserError.class).hasMessageContaining("not square");
    }

    @Test
    void sameSeedGivesTheSameVectorsWhateverTheThreadCount() {
        Blobs b = Blobs.of(300, 16, 5, 4);
        Im2Vec.Result one = Im2Vec.builder().optEpochs(3).optBatchSize(256).optThreads(1).build().fit(b.x, b.y, b.n, b.d, b.classes, null, null, 0);
        Im2Vec.Result two = Im2Vec.builder().optEpochs(3).optBatchSize(256).optThreads(2).build().fit(b.x, b.y, b.n, b.d, b.classes, null, null, 0);
        for (int c = 0; c < 5; c++) assertThat(two.vectors().vectors()[c]).containsExactly(one.vectors().vectors()[c]);
        Im2Vec.Result other = Im2Vec.builder().optEpochs(3).optBatchSize(256).optSeed(9).build().fit(b.x, b.y, b.n, b.d, b.classes, null, null, 0);
        assertThat(other.weights().w2()).isNotEqualTo(one.weights().w2());
    }

    /**
     * Two SGD steps of the plain-Java net against a straightforward double-precision implementation
     * of the same model and torch.optim.SGD (momentum, weight decay on all parameters).
     */
    @Test
    void stepsMatchAStraightforwardImplementationOfSgdWithMomentumAndDecay() {
        int d = 150, h = 3, k = 4, n = 200, batch = 100; // batch > one chunk, so chunk sums are exercised
        Blobs b = Blobs.of(n / k, d, k, 6);
        Im2Vec.Net net = new Im2Vec.Net(d, h, k, 5);
        double[][] w1 = new double[h][d], w2 = new double[k][h];
        double[] b1 = new double[h], b2 = new double[k];
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < d; i++) w1[j][i] = net.w1[j * d + i];
            b1[j] = net.b1[j];
        }
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < h; j++) w2[c][j] = net.w2[c * h + j];
            b2[c] = net.b2[c];
        }
        float lr = 0.05f, mom = 0.2f, wd = 0.01f;
        net.epoch(b.x, b.y, n, new Random(42), batch, lr, mom, wd);

        int[] perm = Im2Vec.Net.permutation(n, new Random(42));
        double[][] vw1 = new double[h][d], vw2 = new double[k][h];
        double[] vb1 = new double[h], vb2 = new double[k];
        for (int from = 0; from < n; from += batch) {
            double[][] gw1 = new double[h][d], gw2 = new double[k][h];
            double[] gb1 = new double[h], gb2 = new double[k];
            for (int r = from; r < from + batch; r++) {
                int row = perm[r];
                double[] hid = new double[h];
                for (int j = 0; j < h; j++) {
                    hid[j] = b1[j];
                    for (int i = 0; i < d; i++) hid[j] += w1[j][i] * b.x[row * d + i];
                }
                double[] z = new double[k];
                double zmax = -1e300;
                for (int c = 0; c < k; c++) {
                    z[c] = b2[c];
                    for (int j = 0; j < h; j++) z[c] += w2[c][j] * hid[j];
                    zmax = Math.max(zmax, z[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) sum += Math.exp(z[c] - zmax);
                for (int c = 0; c < k; c++) {
                    double dz = (Math.exp(z[c] - zmax) / sum - (c == b.y[row] ? 1 : 0)) / batch;
                    gb2[c] += dz;
                    for (int j = 0; j < h; j++) {
                        gw2[c][j] += dz * hid[j];
                        double dh = w2[c][j] * dz;
                        gb1[j] += dh;
                        for (int i = 0; i < d; i++) gw1[j][i] += dh * b.x[row * d + i];
                    }
                }
            }
            boolean first = from == 0;
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < d; i++) {
                    double g = gw1[j][i] + wd * w1[j][i];
                    vw1[j][i] = first ? g : mom * vw1[j][i] + g;
                    w1[j][i] -= lr * vw1[j][i];
                }
                double g = gb1[j] + wd * b1[j];
                vb1[j] = first ? g : mom * vb1[j] + g;
                b1[j] -= lr * vb1[j];
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < h; j++) {
                    double g = gw2[c][j] + wd * w2[c][j];
                    vw2[c][j] = first ? g : mom * vw2[c][j] + g;
                    w2[c][j] -= lr * vw2[c][j];
                }
                double g = gb2[c] + wd * b2[c];
                vb2[c] = first ? g : mom * vb2[c] + g;
                b2[c] -= lr * vb2[c];
            }
        }
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < d; i++) assertThat((double) net.w1[j * d + i]).isCloseTo(w1[j][i], within(1e-5));
            assertThat((double) net.b1[j]).isCloseTo(b1[j], within(1e-5));
        }
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < h; j++) assertThat((double) net.w2[c * h + j]).isCloseTo(w2[c][j], within(1e-5));
            assertThat((double) net.b2[c]).isCloseTo(b2[c], within(1e-5));
        }
    }

    @Test
    void badInputsGiveOneClearError() {
        Blobs b = Blobs.of(5, 4, 2, 1);
        int[] bad = b.y.clone();
        bad[3] = 7;
        assertThatThrownBy(() -> Im2Vec.builder().optEpochs(1).build().fit(b.x, bad, b.n, b.d, b.classes, null, null, 0))
                .isInstanceOf(UserError.class).hasMessageContaining("label 7");
        assertThatThrownBy(() -> Im2Vec.builder().optEpochs(1).build().fit(b.x, b.y, b.n, b.d, List.of("one"), null, null, 0))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> Im2Vec.builder().optEpochs(0)).isInstanceOf(UserError.class);
    }
}
