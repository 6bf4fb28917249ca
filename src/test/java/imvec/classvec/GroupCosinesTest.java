package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GroupCosinesTest {
    @Test
    void meansAverageTheCosinesOfDistinctPairsWithinAndAllPairsBetween() {
        CosineTable t = CosineTable.of(CosineTableTest.random(7, 4, 11));
        GroupCosines g = GroupCosines.of(t, GroupCosines.parse("left=c0,c1,c2; right=c3,c4;c6", t.names()));
        assertThat(g.groups()).extracting(GroupCosines.Group::name).containsExactly("left", "right", "g3");
        double within = (t.cosine(0, 1) + t.cosine(0, 2) + t.cosine(1, 2)) / 3;
        double between = (t.cosine(0, 3) + t.cosine(0, 4) + t.cosine(1, 3) + t.cosine(1, 4) + t.cosine(2, 3) + t.cosine(2, 4)) / 6;
        assertThat(g.mean()[0][0]).isCloseTo(within, within(1e-12));
        assertThat(g.mean()[0][1]).isCloseTo(between, within(1e-12));
        assertThat(g.mean()[1][0]).isEqualTo(g.mean()[0][1]);
        assertThat(g.mean()[1][1]).isCloseTo(t.cosine(3, 4), within(1e-12));
        assertThat(g.mean()[2][2]).isNaN();
        assertThat(g.markdown()).contains("| left (c0, c1, c2) |").contains(" – |");
    }

    @Test
    void badGroupsAreOneClearSentence() {
        List<String> names = List.of("cat", "dog", "truck");
        assertThatThrownBy(() -> GroupCosines.parse("a=cat,dgo", names)).isInstanceOf(UserError.class)
                .hasMessageContaining("'dgo' in group a is not a class here").hasMessageContaining("dog");
        assertThatThrownBy(() -> GroupCosines.parse("a=cat;b=Cat,dog", names)).isInstanceOf(UserError.class)
                .hasMessageContaining("more than one group");
        assertThatThrownBy(() -> GroupCosines.parse("a=cat;;b=dog", names)).isInstanceOf(UserError.class)
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> GroupCosines.parse("a=,", names)).isInstanceOf(UserError.class)
                .hasMessageContaining("has no classes");
    }
}
