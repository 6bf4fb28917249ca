package imvec.spatial;

import java.util.Random;

/**
 * The labels one training scene is scored against: all its positives plus negatives drawn from
 * the seen vocabulary without replacement, to make {@code perScene} labels (fewer when the
 * vocabulary is smaller). Indices are into the seen vocabulary only, so unseen words cannot occur.
 */
final class LabelSampler {
    private final int seenCount, perScene;

    LabelSampler(int seenCount, int perScene) {
        this.seenCount = seenCount;
        this.perScene = Math.min(perScene, seenCount);
    }

    int perScene() {
        return perScene;
    }

    /** Writes the labels into {@code labels} and 1/0 targets into {@code targets} at {@code offset}. */
    void sample(int[] positives, Random random, int[] labels, float[] targets, int offset) {
        boolean[] taken = new boolean[seenCount];
        int filled = 0;
        for (int p : positives) {
            if (filled == perScene || taken[p]) continue;
            taken[p] = true;
            labels[offset + filled] = p;
            targets[offset + filled++] = 1f;
        }
        while (filled < perScene) {
            int c = random.nextInt(seenCount);
            if (taken[c]) continue;
            taken[c] = true;
            labels[offset + filled] = c;
            targets[offset + filled++] = 0f;
        }
    }
}
