package imvec.train;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training options come from the command line (demo, train, bench train): a bad one is a user error. */
class TrainingOptionsTest {
    @Test
    void countsBelowOneAreRefusedInOneSentence() {
        assertThatThrownBy(() -> Training.builder().optEpochs(-7)).isInstanceOf(UserError.class)
                .hasMessage("epochs must be at least 1, got -7.");
        assertThatThrownBy(() -> Training.builder().optBatchSize(0)).isInstanceOf(UserError.class)
                .hasMessageContaining("batch size");
        assertThatThrownBy(() -> Training.builder().optThreads(-1)).isInstanceOf(UserError.class);
    }

    @Test
    void aLearningRateMustBeAPositiveNumber() {
        for (float lr : new float[] {0f, -1e-3f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Training.builder().optLearningRate(lr)).as("lr %s", lr).isInstanceOf(UserError.class)
                    .hasMessageContaining("learning rate");
        }
        assertThat(Training.builder().optLearningRate(1e-3f)).isNotNull();
    }
}
