package imvec.spark;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SparkSessionsTest {
    /** `imvec spark-extract --master nonsense://x` was an internal error with Spark's stack trace. */
    @Test
    void aMasterSparkCannotParseIsOneSentence() {
        assertThatThrownBy(() -> SparkSessions.open("nonsense://x", "imvec-test")).isInstanceOf(UserError.class)
                .hasMessageContaining("nonsense://x").hasMessageContaining("Master URL").hasMessageNotContaining("\n");
    }
}
