package imvec.classvec;

import imvec.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Representational similarity analysis between two sets of vectors: the Spearman correlation of
 * the upper triangles of their cosine-similarity matrices, over the names both sets share. Names
 * match ignoring case and treating '_' and ' ' alike, so class names ("Ankle boot", "ankle_boot")
 * meet word-vector tokens.
 */
public final class CosineRsa {
    public record Result(double spearman, List<String> shared, int pairs, List<String> onlyA, List<String> onlyB) {
    }

    private CosineRsa() {
    }

    public static Result compare(ClassVectors a, ClassVectors b) {
        Map<String, Integer> inB = keyIndex(b);
        Map<String, Integer> inA = keyIndex(a);
        List<Integer> ia = new ArrayList<>(), ib = new ArrayList<>();
        List<String> shared = new ArrayList<>(), onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Integer j = inB.get(key(a.names().get(i)));
            if (j == null) {
                onlyA.add(a.names().get(i));
                continue;
            }
            ia.add(i);
            ib.add(j);
            shared.add(a.names().get(i));
        }
        for (int j = 0; j < b.size(); j++) if (!inA.containsKey(key(b.names().get(j)))) onlyB.add(b.names().get(j));
        if (shared.size() < 3) {
            throw new UserError(a.source() + " and " + b.source() + " share " + shared.size() + " name" + (shared.size() == 1 ? "" : "s")
                    + (shared.isEmpty() ? "" : " " + shared) + "; RSA needs at least 3 (so 3 pairs to rank).");
        }
        double[][] ca = CosineTable.of(a.select(ia.stream().mapToInt(Integer::intValue).toArray(), a.source())).matrix();
        double[][] cb = CosineTable.of(b.select(ib.stream().mapToInt(Integer::intValue).toArray(), b.source())).matrix();
        double[] ua = upperTriangle(ca), ub = upperTriangle(cb);
        return new Result(spearman(ua, ub), shared, ua.length, onlyA, onlyB);
    }

    /** Above-diagonal entries, row by row. */
    public static double[] upperTriangle(double[][] m) {
        int n = m.length;
        double[] u = new double[n * (n - 1) / 2];
        int p = 0;
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) u[p++] = m[i][j];
        return u;
    }

    /** Spearman's rho: Pearson correlation of the ranks, ties given their average rank. NaN when either side is constant. */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException("lengths differ");
        double[] rx = ranks(x), ry = ranks(y);
        double mx = mean(rx), my = mean(ry), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) order[i] = i;
        Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) j++;
            double avg = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) r[order[t]] = avg;
            i = j + 1;
        }
        return r;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    static String key(String name) {
        return name.strip().replace('_', ' ').replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static Map<String, Integer> keyIndex(ClassVectors v) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            Integer prev = m.putIfAbsent(key(v.names().get(i)), i);
            if (prev != null) {
                throw new UserError(v.source() + " holds both '" + v.names().get(prev) + "' and '" + v.names().get(i)
                        + "', which are the same name ignoring case and '_'.");
            }
        }
        return m;
    }
}
