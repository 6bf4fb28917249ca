package imvec.spark;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SparkSessionsTest {
    /** `imvec spark-extract --master nonsense://x` was an internal error with Spark's stack trace. */
    @Test
    void aMasterSparkCannotParseIsOneSentence() {
        assertThatThrownBy(() -> SparkSessions.open("nonsense://x", "imvec-test")).isInstanceOf(UserError.class)
                .hasMessageContaining("nonsense://x").hasMessageContaining("Master URL").hasMessageNotContaining("\n");
    }

    /** Started on its own thread, the same bad master is the same one sentence, and closing what never started is quiet. */
    @Test
    void aSessionStartedAsideReportsItsFailureWhenAskedFor() {
        SparkSessions.Starting starting = SparkSessions.start("nonsense://x", "imvec-test");
        assertThatThrownBy(starting::get).isInstanceOf(UserError.class).hasMessageContaining("nonsense://x");
        assertThatCode(starting::close).doesNotThrowAnyException();
    }
}
