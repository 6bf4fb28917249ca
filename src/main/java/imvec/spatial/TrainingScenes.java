package imvec.spatial;

import imvec.util.UserError;
import imvec.words.LabelVectors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the head trains on: cached maps of the scenes that hold only seen classes, each scene's
 * labels as indices into the seen vocabulary. A scene holding any unseen class is left out
 * whole, so neither an unseen class's images nor its word ever reach a batch.
 */
public record TrainingScenes(FeatureMaps maps, int[] rows, int[][] labels, LabelVectors seen, int leftOut) {
    /**
     * @param maps        maps of every scene of the set
     * @param sceneLabels each scene's class indices into {@code classes}
     * @param classes     the set's class names
     * @param seen        vectors of the seen classes (a subset of {@code classes}, by name)
     */
    public static TrainingScenes of(FeatureMaps maps, int[][] sceneLabels, List<String> classes, LabelVectors seen) {
        Map<String, Integer> seenIndex = new HashMap<>();
        for (int i = 0; i < seen.size(); i++) seenIndex.put(seen.names().get(i), i);
        List<Integer> rows = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        for (int s = 0; s < sceneLabels.length; s++) {
            int[] mapped = new int[sceneLabels[s].length];
            boolean allSeen = mapped.length > 0;
            for (int j = 0; j < mapped.length && allSeen; j++) {
                Integer k = seenIndex.get(classes.get(sceneLabels[s][j]));
                if (k == null) allSeen = false;
                else mapped[j] = k;
            }
            if (!allSeen) continue;
            rows.add(s);
            labels.add(mapped);
        }
        if (rows.isEmpty()) throw new UserError("no training scene holds only seen classes; check the seen/unseen lists.");
        return new TrainingScenes(maps, rows.stream().mapToInt(Integer::intValue).toArray(),
                labels.toArray(int[][]::new), seen, sceneLabels.length - rows.size());
    }

    public int size() {
        return rows.length;
    }
}
