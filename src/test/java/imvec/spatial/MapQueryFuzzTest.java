package imvec.spatial;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

/** A painted map-search query read from arbitrary bytes: a query of well-formed grids or a {@link UserError}. */
class MapQueryFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void query(byte[] bytes) {
        try {
            MapQuery q = MapQuery.read(FuzzFiles.write("query.json", bytes));
            for (MapQuery.Term t : q.terms()) {
                if (t.rows() < 1 || t.cols() < 1 || t.grid().length != t.rows() * t.cols()) {
                    throw new AssertionError("term '" + t.word() + "' has a " + t.rows() + "×" + t.cols() + " grid of " + t.grid().length);
                }
                for (float v : t.grid()) if (v != -1 && v != 0 && v != 1) throw new AssertionError("cell value " + v);
            }
        } catch (UserError expected) {
            // refused in one sentence
        }
    }
}
