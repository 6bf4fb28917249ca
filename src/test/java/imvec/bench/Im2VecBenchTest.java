package imvec.bench;

import imvec.classvec.Im2Vec;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The Im2Vec benchmark's bookkeeping and its reference trainer (never their speed). */
class Im2VecBenchTest {
    /** 6×6 grey images whose class lights one of three row bands, on noise. */
    static ImageSet bands(int n) {
        return new ImageSet() {
            public String spec() { return "bands:" + n; }
            public int size() { return n; }
            public List<String> classes() { return List.of("top", "middle", "bottom"); }
            public int label(int i) { return i % 3; }
            public String id(int i) { return "band-" + i; }
            public Image read(int i) {
                Random r = new Random(i);
                byte[] px = new byte[36];
                for (int k = 0; k < 36; k++) px[k] = (byte) ((k / 12 == i % 3 ? 180 : 40) + r.nextInt(30));
                return new Image(6, 6, 1, px);
            }
        };
    }

    @Test
    void ratesLeaveOutTheWarmUpEpochAndTheSpeedupIsTheirQuotient() {
        Im2Vec timed = Im2Vec.builder().optEpochs(3).optBatchSize(16).optThreads(2).build();
        Im2VecBench.Result r = Im2VecBench.run(bands(300), timed, true, (d, t) -> { });
        assertThat(r.images()).isEqualTo(300);
        assertThat(r.inputs()).isEqualTo(36);
        assertThat(r.classes()).isEqualTo(3);
        assertThat(r.hidden()).isEqualTo(3);
        for (Im2VecBench.Side s : List.of(r.imvec(), r.reference())) {
            assertThat(s.epochSeconds()).hasSize(3);
            assertThat(java.util.Arrays.stream(s.epochSeconds()).min().orElseThrow()).isPositive();
            assertThat(s.imagesPerSecond()).isCloseTo(600 / (s.epochSeconds()[1] + s.epochSeconds()[2]), within(1e-6));
        }
        assertThat(r.speedup()).isCloseTo(r.imvec().imagesPerSecond() / r.reference().imagesPerSecond(), within(1e-9));
        assertThat(r.reference().engine()).contains("PyTorch");
    }

    @Test
    void oneEpochIsRefusedBecauseItWouldOnlyWarmUp() {
        Im2Vec once = Im2Vec.builder().optEpochs(1).build();
        assertThatThrownBy(() -> Im2VecBench.run(bands(30), once, false, (d, t) -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 2");
    }

    @Test
    void theReferenceTrainerLearnsTheBands() {
        int n = 300, d = 36;
        float[] x = new float[n * d];
        int[] y = new int[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int k = 0; k < d; k++) x[i * d + k] = (k / 12 == y[i] ? 1f : 0f) + 0.2f * (float) r.nextGaussian();
        }
        LinearPairTorch.Epoch[] epochs = LinearPairTorch.train(x, y, n, d, 3, 3, 16, 0.05f, 0.2f, 0.001f, 8, 1, 2);
        assertThat(epochs).hasSize(8);
        assertThat(epochs[7].loss()).isLessThan(epochs[0].loss() / 3);
    }
}
