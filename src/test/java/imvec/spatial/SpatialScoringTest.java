package imvec.spatial;

import imvec.words.LabelVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The float32 scoring path (the default) against the float64 one it replaced. */
class SpatialScoringTest {
    /** Sparse non-negative maps, as after a ReLU. */
    static FeatureMaps reluMaps(int n, int c, int h, int w, long seed) {
        Random r = new Random(seed);
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) data[i] = (float) Math.max(0, r.nextGaussian() * 2 - 1);
        return new FeatureMaps(n, c, h, w, data);
    }

    private static void assertSamePaths(SpatialModel model, FeatureMaps maps, LabelVectors labels, int batch) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < maps.n(); i++) ids.add("s" + i);
        Scores f32 = model.score(maps, ids, labels, batch, 2, d -> { });
        Scores f64 = model.score(maps, ids, labels, 3, 2, SpatialModel.Precision.FLOAT64, d -> { });
        assertThat(f32.labels()).isEqualTo(f64.labels());
        assertThat(f32.scores()).containsExactly(f64.scores(), within(2e-5f));
        float scale = 0;
        for (float v : f64.maps()) scale = Math.max(scale, Math.abs(v));
        assertThat(f32.maps()).containsExactly(f64.maps(), within(1e-5f * Math.max(1, scale)));
    }

    @Test
    void float32ScoringEqualsTheFloat64PathOnTheSpatialHead() {
        CosineMapHead head = CosineMapHead.create(48, 5, 16, 8, 3);
        assertSamePaths(new SpatialModel(head), reluMaps(7, 48, 5, 6, 1), SpatialHeadTest.words(9, 16, 2), 4);
    }

    @Test
    void float32ScoringEqualsTheFloat64PathAtMobileNetsMapShape() {
        // 768 channels, 14×14 locations and 100-d words: the shape the bench scores.
        CosineMapHead head = CosineMapHead.create(768, 5, 100, 8, 5);
        assertSamePaths(new SpatialModel(head), reluMaps(3, 768, 14, 14, 6), SpatialHeadTest.words(20, 100, 7), 2);
    }

    /** Cached region embeddings, scored against words later, give what scoring the maps gives. */
    @Test
    void scoringCachedRegionEmbeddingsEqualsScoringTheMaps() {
        CosineMapHead head = CosineMapHead.create(768, 5, 100, 8, 5);
        SpatialModel model = new SpatialModel(head);
        FeatureMaps maps = reluMaps(5, 768, 7, 6, 11);
        List<String> ids = List.of("a", "b", "c", "d", "e");
        LabelVectors words = SpatialHeadTest.words(13, 100, 12);
        Scores direct = model.score(maps, ids, words, 2, 2, SpatialModel.Precision.FLOAT64, d -> { });
        RegionEmbeddings regions = RegionEmbeddings.compute(head, maps, ids, 3, 2, SpatialModel.Precision.FLOAT32, d -> { });
        Scores cached = model.score(regions, words, 2, 2, d -> { });
        assertThat(cached.ids()).isEqualTo(ids);
        assertThat(cached.height()).isEqualTo(7);
        assertThat(cached.width()).isEqualTo(6);
        assertThat(cached.scores()).containsExactly(direct.scores(), within(2e-5f));
        float scale = 0;
        for (float v : direct.maps()) scale = Math.max(scale, Math.abs(v));
        assertThat(cached.maps()).containsExactly(direct.maps(), within(1e-5f * Math.max(1, scale)));
    }

    @Test
    void float32ScoringEqualsTheFloat64PathOnThePooledHead() {
        PooledHead head = PooledHead.create(32, 12, 4);
        assertSamePaths(new SpatialModel(head), reluMaps(5, 32, 4, 4, 8), SpatialHeadTest.words(6, 12, 9), 64);
    }

    /**
     * The head's definition in plain Java loops, for one scene and one label: per location and
     * block the cosine of W·x + b with the label, then ReLU(W1·cos + b1), then W2·h + b2; pooled as
     * α·mean + (1−α)·max. Returns the map followed by the pooled logit.
     */
    private static double[] byHand(CosineMapHead head, FeatureMaps maps, int scene, float[] label) {
        List<imvec.spatial.Head.Param> p = head.params();
        float[] w = p.get(0).values(), b = p.get(1).values(), w1 = p.get(2).values(), b1 = p.get(3).values();
        float[] w2 = p.get(4).values(), b2 = p.get(5).values();
        int c = maps.channels(), hw = maps.height() * maps.width(), k = head.blocks(), d = head.dims(), hid = head.hidden();
        double labelNorm = 0;
        for (float v : label) labelNorm += v * v;
        labelNorm = Math.sqrt(labelNorm);
        double[] out = new double[hw + 1];
        double sum = 0, max = Double.NEGATIVE_INFINITY;
        for (int loc = 0; loc < hw; loc++) {
            double[] cos = new double[k];
            for (int blk = 0; blk < k; blk++) {
                double dot = 0, sq = 0;
                for (int j = 0; j < d; j++) {
                    int row = blk * d + j;
                    double e = b[row];
                    for (int ch = 0; ch < c; ch++) e += w[row * c + ch] * maps.data()[(scene * c + ch) * hw + loc];
                    dot += e * label[j] / labelNorm;
                    sq += e * e;
                }
                cos[blk] = dot / Math.sqrt(sq + 1e-4);
            }
            double logit = b2[0];
            for (int h = 0; h < hid; h++) {
                double a = b1[h];
                for (int blk = 0; blk < k; blk++) a += w1[h * k + blk] * cos[blk];
                logit += w2[h] * Math.max(0, a);
            }
            out[loc] = logit;
            sum += logit;
            max = Math.max(max, logit);
        }
        double alpha = 1 / (1 + Math.exp(-p.get(6).values()[0]));
        out[hw] = alpha * sum / hw + (1 - alpha) * max;
        return out;
    }

    @Test
    void scoringEqualsTheHeadsDefinitionComputedByHand() {
        CosineMapHead head = CosineMapHead.create(24, 3, 10, 6, 11);
        FeatureMaps maps = reluMaps(3, 24, 4, 5, 12);
        LabelVectors labels = SpatialHeadTest.words(4, 10, 13);
        Scores s = new SpatialModel(head).score(maps, List.of("a", "b", "c"), labels, 2, 2, d -> { });
        for (int i = 0; i < 3; i++) {
            for (int l = 0; l < 4; l++) {
                double[] want = byHand(head, maps, i, labels.unit()[l]);
                float[] map = s.map(i, l);
                for (int loc = 0; loc < map.length; loc++) assertThat((double) map[loc]).isCloseTo(want[loc], within(1e-4));
                assertThat((double) s.score(i, l)).isCloseTo(1 / (1 + Math.exp(-want[map.length])), within(1e-5));
            }
        }
    }

    @Test
    void theStackGivesTheSameNumbersLabelByLabelAsOverManyLabels() {
        CosineMapHead head = CosineMapHead.create(24, 3, 10, 6, 11);
        int n = 4, hw = 9, k = 3, many = 10;
        Random r = new Random(5);
        float[] cos = new float[n * hw * k * many]; // [n, HW, k, L]
        for (int i = 0; i < cos.length; i++) cos[i] = (float) (r.nextDouble() * 2 - 1);
        float[] maps = new float[n * many * hw], logits = new float[n * many];
        head.stack(cos, n, hw, many, maps, 0, logits, 0);
        for (int j = 0; j < many; j++) {
            float[] one = new float[n * hw * k];
            for (int row = 0; row < n * hw * k; row++) one[row] = cos[row * many + j];
            float[] oneMaps = new float[n * hw + 3], oneLogits = new float[n + 2];
            head.stack(one, n, hw, 1, oneMaps, 3, oneLogits, 2);
            for (int s = 0; s < n; s++) {
                assertThat(oneLogits[2 + s]).isEqualTo(logits[s * many + j]);
                for (int q = 0; q < hw; q++) assertThat(oneMaps[3 + s * hw + q]).isEqualTo(maps[(s * many + j) * hw + q]);
            }
        }
    }
}
