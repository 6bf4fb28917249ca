package imvec.explore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the page colours and filters by, per row, and what a hover shows of one image. */
final class Attributes {
    private Attributes() {
    }

    /** Labels, predicted classes (data set indices, −1 when none), and top-1 probability per row. */
    static Map<String, Object> of(ExploreRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("classes", run.classes());
        m.put("label", run.labels());
        ExploreRun.Predictions p = run.predictions();
        if (p != null) {
            int[] predicted = new int[run.n()];
            float[] confidence = new float[run.n()];
            for (int i = 0; i < predicted.length; i++) {
                predicted[i] = p.top1(i);
                confidence[i] = p.probs()[i][0];
            }
            m.put("predicted", predicted);
            m.put("confidence", confidence);
        }
        return m;
    }

    /** One image: id, label, top-k with names, and the explorer label given to it (may be null). */
    static Map<String, Object> item(ExploreRun run, int row, String userLabel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row", row);
        m.put("id", run.id(row));
        m.put("label", run.classes().get(run.label(row)));
        m.put("user_label", userLabel);
        ExploreRun.Predictions p = run.predictions();
        List<Map<String, Object>> top = new ArrayList<>();
        if (p != null) {
            for (int j = 0; j < p.k(); j++) {
                int c = p.indices()[row][j];
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("class", c >= 0 && c < p.classes().size() ? p.classes().get(c) : "?");
                t.put("p", p.probs()[row][j]);
                top.add(t);
            }
        }
        m.put("topk", top);
        return m;
    }
}
