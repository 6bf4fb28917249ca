package imvec.spatial;

import java.util.List;

/**
 * Scores of N scenes against L labels: {@code scores} N×L (probabilities after the sigmoid for the
 * spatial and pooled heads, cosines in [−1, 1] for ConSE) and {@code maps} N×L×H×W per-location
 * logits on the pooled logit's scale, both C order; {@code maps} is null for a model without
 * localisation maps (ConSE), and then {@code height} and {@code width} are 0.
 */
public record Scores(List<String> ids, List<String> labels, int height, int width, float[] scores, float[] maps) {
    public float score(int scene, int label) {
        return scores[scene * labels.size() + label];
    }

    public boolean hasMaps() {
        return maps != null;
    }

    /** The localisation map of one label in one scene, H×W logits. */
    public float[] map(int scene, int label) {
        if (maps == null) throw new IllegalStateException("these scores have no localisation maps");
        int hw = height * width;
        float[] out = new float[hw];
        System.arraycopy(maps, (scene * labels.size() + label) * hw, out, 0, hw);
        return out;
    }
}
