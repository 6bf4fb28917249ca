package imvec.util;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {
    @Test
    void aNegativeThreadCountIsAUserErrorNotAllCores() {
        assertThatThrownBy(() -> Parallel.call(-7, () -> 1)).isInstanceOf(UserError.class)
                .hasMessage("the number of threads must be 0 (all cores) or more, got -7.");
        assertThatThrownBy(() -> Parallel.checkThreads(-1)).isInstanceOf(UserError.class);
    }

    @Test
    void zeroAndPositiveCountsRunTheWork() {
        assertThat(Parallel.call(0, () -> IntStream.range(0, 100).parallel().sum())).isEqualTo(4950);
        assertThat(Parallel.call(2, () -> IntStream.range(0, 100).parallel().sum())).isEqualTo(4950);
    }
}
