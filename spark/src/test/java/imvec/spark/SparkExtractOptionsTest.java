package imvec.spark;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** spark-extract's numbers: below their range is one sentence, not a job Spark silently runs otherwise. */
class SparkExtractOptionsTest {
    @Test
    void negativePartitionsAndTopKAreRefused() {
        assertThatThrownBy(() -> SparkExtract.builder().optPartitions(-7)).isInstanceOf(UserError.class)
                .hasMessage("--partitions must be 0 (Spark's split) or more, got -7.");
        assertThatThrownBy(() -> SparkExtract.builder().optTopK(-1)).isInstanceOf(UserError.class)
                .hasMessageContaining("--topk");
        assertThat(SparkExtract.builder().optPartitions(0).optTopK(0)).isNotNull();
    }
}
