package imvec.spatial;

import imvec.store.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** Images placed along words: x (and y) are label scores; with one word, y is a seeded random spread. */
public final class Projection {
    private Projection() {
    }

    /** {@code scores.csv}: header {@code id,<word>,…}, one row per image, ids as in the run. */
    public static void writeCsv(Scores s, Path file) throws IOException {
        StringBuilder b = new StringBuilder("id");
        for (String l : s.labels()) b.append(',').append(csv(l));
        b.append('\n');
        for (int i = 0; i < s.ids().size(); i++) {
            b.append(csv(s.ids().get(i)));
            for (int j = 0; j < s.labels().size(); j++) b.append(',').append(String.format(Locale.ROOT, "%.6f", s.score(i, j)));
            b.append('\n');
        }
        AtomicFiles.writeString(file, b.toString());
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    /**
     * Positions in [0, 1]²: x = score of label {@code xLabel}; y = score of {@code yLabel}, or a
     * seeded spread when it is −1. Each score axis is stretched from its lowest to its highest
     * score, since a collection's scores often share a narrow band and would pile up otherwise.
     */
    public static double[][] positions(Scores s, int xLabel, int yLabel, long seed) {
        Random r = new Random(seed);
        double[][] out = new double[s.ids().size()][2];
        for (int i = 0; i < out.length; i++) {
            out[i][0] = s.score(i, xLabel);
            out[i][1] = yLabel < 0 ? r.nextDouble() : s.score(i, yLabel);
        }
        stretch(out, 0);
        if (yLabel >= 0) stretch(out, 1);
        return out;
    }

    private static void stretch(double[][] at, int axis) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] p : at) {
            lo = Math.min(lo, p[axis]);
            hi = Math.max(hi, p[axis]);
        }
        for (double[] p : at) p[axis] = hi > lo ? (p[axis] - lo) / (hi - lo) : 0.5;
    }
}
