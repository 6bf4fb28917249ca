package imvec.spark;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bench spark's counts are checked before any image is read or any worker started. */
class SparkBenchOptionsTest {
    @Test
    void countsBelowOneAreOneSentence() {
        Path none = Path.of("no-such-folder");
        assertThatThrownBy(() -> SparkBench.run(none, none, null, null, List.of(), 32, 2, -7, none, m -> { }))
                .isInstanceOf(UserError.class).hasMessage("--workers must be at least 1, got -7.");
        assertThatThrownBy(() -> SparkBench.run(none, none, null, null, List.of(), 32, 0, 2, none, m -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("--local-cores");
        assertThatThrownBy(() -> SparkBench.run(none, none, null, null, List.of(), -7, 2, 2, none, m -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("--batch");
    }
}
