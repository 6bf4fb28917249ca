package imvec.bench;

import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.store.Synthetic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's bookkeeping (never its speed): what it times, it counts and divides consistently. */
class ExtractBenchTest {
    @Test
    void ratesAndRatioAgreeWithTheirTimesAndUnreadableImagesAreNotCounted() throws IOException {
        var layers = List.of(LayerRequest.parse("maps", Pool.AVG), LayerRequest.parse("probabilities", Pool.AVG));
        ExtractBench.Result r = ExtractBench.run(Synthetic.images(100, Set.of(7)), Synthetic.model(0),
                imvec.data.Preprocess.builder().setSize(4, 4).build(), layers, 60, 8, (d, t) -> { });
        assertThat(r.images()).isEqualTo(59);
        assertThat(r.layers()).containsExactly("maps", "probabilities");
        assertThat(r.endToEndImagesPerSecond()).isCloseTo(59 / r.endToEndSeconds(), within(1e-9));
        assertThat(r.rawImagesPerSecond()).isCloseTo(59 / r.rawSeconds(), within(1e-9));
        assertThat(r.decodeImagesPerSecond()).isCloseTo(59 / r.decodeSeconds(), within(1e-9));
        assertThat(r.ratio()).isCloseTo(r.endToEndImagesPerSecond() / r.rawImagesPerSecond(), within(1e-9));
        assertThat(r.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        // CPU figures: the process clock ticks in jiffies on Linux, so a phase this small may read 0 ms;
        // never negative, and where measurable the CPU ratio is the quotient it claims to be.
        assertThat(r.endToEndCpuMsPerImage()).isNotNegative();
        assertThat(r.decodeCpuMsPerImage()).isNotNegative();
        assertThat(r.rawCpuMsPerImage()).isNotNegative();
        if (r.endToEndCpuMsPerImage() > 0) {
            assertThat(r.cpuRatio()).isCloseTo(r.rawCpuMsPerImage() / r.endToEndCpuMsPerImage(), within(1e-9));
        }
        assertThat(r.decodeOneThread().threads()).isEqualTo(1);
        assertThat(r.decodeTwoThreads().threads()).isEqualTo(2);
        for (var d : List.of(r.decodeOneThread(), r.decodeTwoThreads())) {
            assertThat(d.threadCpuMsPerImage()).isNotNegative();
            assertThat(d.processCpuMsPerImage()).isNotNegative();
            assertThat(d.wallMsPerImage()).isPositive();
        }
        assertThat(r.endToEndGc().collections()).isNotNegative();
        assertThat(r.engineWaitSeconds()).isBetween(0.0, r.endToEndSeconds());
    }

    @Test
    void decodeCostCountsOnlyTheImagesThatWereRead() {
        // 30 images, 3 unreadable: the per-image figures divide by 27, so 27 × wall per image is within the call's time.
        var pre = imvec.data.Preprocess.builder().setSize(4, 4).build();
        long t0 = System.nanoTime();
        ExtractBench.DecodeCost c = ExtractBench.decodeCost(Synthetic.images(30, Set.of(1, 2, 29)), pre, 8, 2);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        assertThat(c.threads()).isEqualTo(2);
        assertThat(c.images()).isEqualTo(27);
        assertThat(c.wallMsPerImage()).isPositive();
        assertThat(c.wallMsPerImage() * 27).isLessThanOrEqualTo(wallMs);
    }
}
