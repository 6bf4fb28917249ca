package imvec.train;

import imvec.model.EpochStats;
import imvec.model.ProgressListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Named {@code Trained*} so the model suite ({@code -Dtest='imvec.model.Trained*'}) picks it up. */
class TrainedTrainingTest {
    private static final List<String> FOUR = List.of("top", "upper", "lower", "bottom");

    private static Training small(int seed) {
        return Training.builder().optSeed(seed).optEpochs(1).optBatchSize(32).build();
    }

    private static List<float[]> trainedWeights(Training training, SyntheticImages data) {
        try (TrainedNet net = training.newNet(FOUR)) {
            training.train(net, data.x(), data.y(), data.n(), null, null, 0, ProgressListener.NONE);
            return net.parameterValues();
        }
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
        SyntheticImages data = SyntheticImages.bands(200, 4, 1, 28, 28, 11);
        List<float[]> first = trainedWeights(small(7), data);
        List<float[]> again = trainedWeights(small(7), data);
        List<float[]> other = trainedWeights(small(8), data);
        assertThat(again).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i)).as("parameter %d", i).containsExactly(first.get(i));
        }
        assertThat(IntStream.range(0, first.size()).anyMatch(i -> !java.util.Arrays.equals(first.get(i), other.get(i))))
                .isTrue();
    }

    @Test
    void augmentedTrainingIsReproducibleAndDrawsDifferentImagesThanPlainTraining() {
        SyntheticImages data = SyntheticImages.bands(200, 4, 1, 28, 28, 11);
        Training augmented = small(7).toBuilder().optAugmentation(Augmentation.parse("flip,crop")).build();
        assertThat(augmented.augmentation()).isEqualTo(new Augmentation(true, 4));
        List<float[]> first = trainedWeights(augmented, data);
        List<float[]> again = trainedWeights(augmented, data);
        List<float[]> plain = trainedWeights(small(7), data);
        for (int i = 0; i < first.size(); i++) {
            assertThat(again.get(i)).as("parameter %d", i).containsExactly(first.get(i));
        }
        assertThat(IntStream.range(0, first.size()).anyMatch(i -> !java.util.Arrays.equals(first.get(i), plain.get(i))))
                .isTrue();
    }

    @Test
    void learnsALinearlySeparableImageSetPerfectly() {
        SyntheticImages train = SyntheticImages.bands(400, 4, 1, 28, 28, 12);
        SyntheticImages test = SyntheticImages.bands(200, 4, 1, 28, 28, 13);
        Training training = Training.builder().optEpochs(2).optBatchSize(32).build();
        List<Long> batches = new ArrayList<>();
        List<EpochStats> epochs = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void batchDone(long done, long total, float loss) {
                assertThat(total).isEqualTo(2 * 13);
                assertThat(loss).isFinite();
                batches.add(done);
            }

            @Override
            public void epochDone(EpochStats stats) {
                epochs.add(stats);
            }
        };
        try (TrainedNet net = training.newNet(FOUR)) {
            double before = Training.evaluate(net, test.x(), test.y(), test.n()).accuracy();
            TrainResult result = training.train(net, train.x(), train.y(), train.n(), test.x(), test.y(), test.n(), listener);
            assertThat(result.finalTestAccuracy()).isEqualTo(1.0);
            assertThat(Training.evaluate(net, test.x(), test.y(), test.n()).accuracy()).isEqualTo(1.0);
            assertThat(before).isLessThan(1.0);
            assertThat(result.epochs()).hasSize(2).isEqualTo(epochs);
            assertThat(result.epochs().get(1).trainLoss()).isLessThan(result.epochs().get(0).trainLoss());
            assertThat(result.epochs().getFirst().imagesPerSecond()).isPositive();
            assertThat(result.trainImages()).isEqualTo(400);
            assertThat(result.testImages()).isEqualTo(200);
        }
        assertThat(batches).isEqualTo(IntStream.rangeClosed(1, 26).mapToObj(Long::valueOf).toList());
    }

    @Test
    void shuffleIsAPermutationFixedBySeed() {
        int[] a = Training.permutation(1000, new Random(3));
        int[] b = Training.permutation(1000, new Random(3));
        int[] c = Training.permutation(1000, new Random(4));
        assertThat(a).containsExactly(b).isNotEqualTo(c);
        assertThat(a).containsExactlyInAnyOrder(IntStream.range(0, 1000).toArray());
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        SyntheticImages data = SyntheticImages.bands(8, 4, 1, 28, 28, 14);
        data.y()[3] = 4;
        Training training = small(1);
        try (TrainedNet net = training.newNet(FOUR)) {
            assertThatThrownBy(() -> training.train(net, data.x(), data.y(), 8, null, null, 0, ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 4 at 3");
        }
    }

    @Test
    void measuresTrainingThroughputOverOneEpoch() {
        SyntheticImages data = SyntheticImages.bands(256, 4, 1, 28, 28, 15);
        Training.Throughput speed = small(1).measureThroughput(data.x(), data.y(), 256, FOUR);
        assertThat(speed.images()).isEqualTo(256);
        assertThat(speed.imagesPerSecond()).isPositive();
        assertThat(speed.seconds() * speed.imagesPerSecond()).isCloseTo(256, org.assertj.core.api.Assertions.within(1e-6));
        System.out.printf("fm-cnn training: %.0f images/s on %d threads%n", speed.imagesPerSecond(), speed.threads());
    }
}
