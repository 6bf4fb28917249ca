package imvec.util;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {
    private static final List<String> LAYERS = List.of("conv_pw_1_relu", "conv_pw_3_relu", "conv_pw_13",
            "conv_pw_13_bn", "conv_pw_13_relu", "probabilities", "logits");

    @Test
    void namesContainingWhatWasTypedComeFirstShortestFirst() {
        assertThat(Suggestions.closest("pw_13", LAYERS, 3)).containsExactly("conv_pw_13", "conv_pw_13_bn", "conv_pw_13_relu");
    }

    @Test
    void aDroppedCharacterBeatsAChangedOneAtTheSameDistance() {
        assertThat(Suggestions.closest("conv_pw13_relu", LAYERS, 2)).containsExactly("conv_pw_13_relu", "conv_pw_3_relu");
    }

    @Test
    void caseIsIgnoredAndFarNamesAreLeftOut() {
        assertThat(Suggestions.closest("Probabilites", LAYERS, 5)).containsExactly("probabilities");
        assertThat(Suggestions.closest("softmax", LAYERS, 5)).isEmpty();
    }

    @Test
    void levenshteinCountsEditsAndStopsPastTheLimit() {
        assertThat(Suggestions.levenshtein("kitten", "sitting", 5)).isEqualTo(3);
        assertThat(Suggestions.levenshtein("kitten", "sitting", 1)).isEqualTo(2);
        assertThat(Suggestions.levenshtein("", "abc", 5)).isEqualTo(3);
    }
}
