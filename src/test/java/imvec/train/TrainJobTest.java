package imvec.train;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrainJobTest {
    @Test
    void theTestSplitIsTheTrainingSplitsSibling() {
        assertThat(TrainJob.defaultTestSpec("fashion-mnist:train")).isEqualTo("fashion-mnist:test");
        assertThat(TrainJob.defaultTestSpec("cifar10-binary:/data/c10")).isEqualTo("cifar10-binary:/data/c10:test");
        assertThat(TrainJob.defaultTestSpec("folder:/data/photos")).isNull();
    }

    @Test
    void aSampleOfTheTrainingSplitIsTestedOnTheSameSizedSampleOfTheTestSplit() {
        assertThat(TrainJob.defaultTestSpec("fashion-mnist:train[spread 500]")).isEqualTo("fashion-mnist:test[spread 500]");
        assertThat(TrainJob.defaultTestSpec("fashion-mnist:train[:64]")).isEqualTo("fashion-mnist:test[:64]");
        assertThat(TrainJob.defaultTestSpec("cifar10-binary:/data/c10[:64]")).isEqualTo("cifar10-binary:/data/c10:test[:64]");
    }
}
