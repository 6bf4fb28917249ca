package imvec.explore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** An image's nearest neighbours in the run's layer, by cosine similarity, exact. */
public final class Neighbours {
    private Neighbours() {
    }

    /** The {@code k} rows most similar to {@code row} (itself excluded), best first, with their cosines. */
    public static Map<String, Object> of(ExploreRun run, int row, int k) {
        float[][] u = run.unitRows();
        float[] q = u[row];
        // A min-heap of the best k so far: its head is the one to drop.
        PriorityQueue<double[]> heap = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
        for (int i = 0; i < u.length; i++) {
            if (i == row) continue;
            double dot = 0;
            float[] x = u[i];
            for (int j = 0; j < q.length; j++) dot += q[j] * x[j];
            if (heap.size() < k) heap.add(new double[] {dot, i});
            else if (dot > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {dot, i});
            }
        }
        List<double[]> best = new ArrayList<>(heap);
        best.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row", row);
        m.put("layer", run.layer());
        m.put("rows", best.stream().map(b -> (int) b[1]).toList());
        m.put("cosines", best.stream().map(b -> b[0]).toList());
        return m;
    }
}
