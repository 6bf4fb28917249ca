package imvec.spatial;

import java.util.List;

/**
 * Scores of N scenes against L labels: {@code scores} N×L probabilities (after the sigmoid) and
 * {@code maps} N×L×H×W per-location logits on the pooled logit's scale, both C order.
 */
public record Scores(List<String> ids, List<String> labels, int height, int width, float[] scores, float[] maps) {
    public float score(int scene, int label) {
        return scores[scene * labels.size() + label];
    }

    /** The localisation map of one label in one scene, H×W logits. */
    public float[] map(int scene, int label) {
        int hw = height * width;
        float[] out = new float[hw];
        System.arraycopy(maps, (scene * labels.size() + label) * hw, out, 0, hw);
        return out;
    }
}
