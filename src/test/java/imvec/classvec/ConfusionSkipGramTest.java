package imvec.classvec;

import imvec.extract.TopK;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfusionSkipGramTest {
    static final List<String> CLASSES = List.of("A", "B", "C", "D", "E", "F");

    /**
     * Top-3 predictions of a synthetic classifier: right first; A and B are always each other's
     * second guess; every other class gets a random wrong second guess outside {A, B}; the third
     * guess is random.
     */
    static int[][] confusedAB(int perClass, long seed) {
        Random r = new Random(seed);
        int n = perClass * CLASSES.size();
        int[] labels = new int[n], topk = new int[n * 3];
        for (int i = 0; i < n; i++) {
            int t = i % CLASSES.size();
            labels[i] = t;
            int second = t == 0 ? 1 : t == 1 ? 0 : pick(r, 2, CLASSES.size(), t, -1);
            int third = pick(r, 0, CLASSES.size(), t, second);
            topk[i * 3] = t;
            topk[i * 3 + 1] = second;
            topk[i * 3 + 2] = third;
        }
        return new int[][]{labels, topk};
    }

    private static int pick(Random r, int from, int to, int not1, int not2) {
        while (true) {
            int c = from + r.nextInt(to - from);
            if (c != not1 && c != not2) return c;
        }
    }

    @Test
    void alwaysConfusedClassesAreMutualNearestNeighbours() {
        int[][] data = confusedAB(200, 1);
        ConfusionPairs pairs = ConfusionPairs.of(data[0], data[1], 3, 3, CLASSES, CLASSES.size(), "synthetic");
        assertThat(pairs.size()).isEqualTo(200 * 6 * 3);
        for (ConfusionSkipGram.Objective o : ConfusionSkipGram.Objective.values()) {
            ConfusionSkipGram.Result r = ConfusionSkipGram.builder().optObjective(o).optSeed(5).build().train(pairs);
            assertThat(r.vectors().dims()).isEqualTo(5);
            CosineTable t = CosineTable.of(r.vectors());
            assertThat(t.nearest(0).name()).as(o + ": nearest of A").isEqualTo("B");
            assertThat(t.nearest(1).name()).as(o + ": nearest of B").isEqualTo("A");
            assertThat(r.epochLoss()[r.epochLoss().length - 1]).isLessThan(r.epochLoss()[0]);
        }
    }

    @Test
    void sameSeedSameVectorsOtherSeedOtherVectors() {
        int[][] data = confusedAB(50, 2);
        ConfusionPairs pairs = ConfusionPairs.of(data[0], data[1], 3, 2, CLASSES, CLASSES.size(), "synthetic");
        float[][] a = ConfusionSkipGram.builder().optSeed(3).build().train(pairs).vectors().vectors();
        float[][] b = ConfusionSkipGram.builder().optSeed(3).build().train(pairs).vectors().vectors();
        float[][] c = ConfusionSkipGram.builder().optSeed(4).build().train(pairs).vectors().vectors();
        assertThat(b).isDeepEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void pairsSkipPredictionsOutsideTheDatasetAndLeaveOutUnseenClasses() {
        int[] labels = {0, 1, 1};
        int[] topk = {0, -1, 1, 0, 1, 2};
        ConfusionPairs p = ConfusionPairs.of(labels, topk, 2, 2, List.of("x", "y", "z"), 3, "t");
        assertThat(p.centre()).containsExactly(0, 1, 1, 1, 1);
        assertThat(p.context()).containsExactly(0, 1, 0, 1, 2);
        ConfusionSkipGram.Result r = ConfusionSkipGram.builder().optEpochs(1).build().train(p);
        assertThat(r.vectors().names()).containsExactly("x", "y");
        assertThat(r.unseen()).containsExactly("z");
    }

    @Test
    void topLargerThanStoredIsAClearError() {
        assertThatThrownBy(() -> ConfusionPairs.of(new int[]{0}, new int[]{0, 1}, 2, 3, List.of("a", "b"), 2, "runs/x"))
                .isInstanceOf(UserError.class).hasMessageContaining("--top 3 is more than the 2 predictions");
    }

    @TempDir
    Path dir;

    @Test
    void runWithoutTopKIsAClearErrorAndARunWithItGivesPairs() throws Exception {
        Npy.write(dir.resolve("labels.npy"), new int[]{0, 1}, 2);
        Manifest m = new Manifest("test", "now", 2, List.of(), "labels.npy", null, List.of("a", "b"), null,
                null, null, 1, null, null, null);
        m.write(dir);
        assertThatThrownBy(() -> ConfusionPairs.fromRun(dir, 3)).isInstanceOf(UserError.class)
                .hasMessageContaining("has no top-k predictions").hasMessageContaining("--topk 3");

        Npy.write(dir.resolve("topk_indices.npy"), new int[]{0, 1, 1, 0}, 2, 2);
        new Manifest("test", "now", 2, List.of(), "labels.npy", null, List.of("a", "b"), null, null, null, 1,
                new Manifest.TopK(2, "out", "topk_indices.npy", null, null, "dataset", null), null, null).write(dir);
        ConfusionPairs p = ConfusionPairs.fromRun(dir, 2);
        assertThat(p.centre()).containsExactly(0, 0, 1, 1);
        assertThat(p.context()).containsExactly(0, 1, 1, 0);
        assertThatThrownBy(() -> ConfusionPairs.fromRun(dir, 3)).isInstanceOf(UserError.class).hasMessageContaining("--topk 3");
    }
}
