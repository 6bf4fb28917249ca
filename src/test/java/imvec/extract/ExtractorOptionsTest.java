package imvec.extract;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Extraction options a user types: out of range is one sentence, before any image is read. */
class ExtractorOptionsTest {
    @Test
    void aNegativeTopKIsRefusedNotReadAsNone() {
        assertThatThrownBy(() -> Extractor.builder().optTopK(-7)).isInstanceOf(UserError.class)
                .hasMessage("--topk must be 0 (none) or more, got -7.");
        assertThat(Extractor.builder().optTopK(0)).isNotNull();
        assertThat(Extractor.builder().optTopK(5)).isNotNull();
    }
}
