package imvec.classvec;

import imvec.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Cosine similarities between every pair of vectors, and for each name every other name ranked
 * by descending similarity — the table Sustek & Zboril print for their confusion vectors.
 * Similarities are computed once per pair, so the matrix is exactly symmetric.
 */
public final class CosineTable {
    public record Neighbour(String name, int index, double cosine) {
    }

    private final List<String> names;
    private final double[][] cosine;

    private CosineTable(List<String> names, double[][] cosine) {
        this.names = names;
        this.cosine = cosine;
    }

    public static CosineTable of(ClassVectors v) {
        int n = v.size();
        double[][] unit = new double[n][];
        for (int i = 0; i < n; i++) {
            unit[i] = unitVector(v.vectors()[i]);
            if (unit[i] == null) throw new UserError(v.source() + ": vector '" + v.names().get(i) + "' is all zeros, so it has no direction to compare.");
        }
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            c[i][i] = 1;
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < unit[i].length; k++) s += unit[i][k] * unit[j][k];
                s = Math.max(-1, Math.min(1, s));
                c[i][j] = s;
                c[j][i] = s;
            }
        }
        return new CosineTable(v.names(), c);
    }

    static double[] unitVector(float[] x) {
        double ss = 0;
        for (float f : x) ss += (double) f * f;
        if (ss == 0) return null;
        double inv = 1 / Math.sqrt(ss);
        double[] u = new double[x.length];
        for (int k = 0; k < x.length; k++) u[k] = x[k] * inv;
        return u;
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    /** The full symmetric matrix (a copy). */
    public double[][] matrix() {
        double[][] m = new double[cosine.length][];
        for (int i = 0; i < m.length; i++) m[i] = cosine[i].clone();
        return m;
    }

    public double cosine(int i, int j) {
        return cosine[i][j];
    }

    /** Every other name by descending cosine; ties keep the original order, so the ranking is deterministic. */
    public List<Neighbour> ranked(int i) {
        List<Neighbour> out = new ArrayList<>();
        for (int j = 0; j < names.size(); j++) if (j != i) out.add(new Neighbour(names.get(j), j, cosine[i][j]));
        out.sort(Comparator.comparingDouble((Neighbour nb) -> -nb.cosine()).thenComparingInt(Neighbour::index));
        return out;
    }

    /** The nearest other name of {@code i}. */
    public Neighbour nearest(int i) {
        if (names.size() < 2) throw new UserError("a cosine table of one vector has no neighbours.");
        return ranked(i).get(0);
    }

    /** Mean cosine over pairs with one index in {@code a} and the other in {@code b} (distinct pairs when a = b). */
    public double meanCosine(int[] a, int[] b) {
        double s = 0;
        int count = 0;
        for (int i : a) {
            for (int j : b) {
                if (i == j) continue;
                s += cosine[i][j];
                count++;
            }
        }
        return count == 0 ? Double.NaN : s / count;
    }

    /**
     * Markdown: one row per name, its neighbours as {@code name (0.97)} in rank order; with
     * {@code top > 0} only the first {@code top}.
     */
    public String markdown(int top) {
        int k = top > 0 ? Math.min(top, names.size() - 1) : names.size() - 1;
        StringBuilder sb = new StringBuilder("| class |");
        for (int r = 1; r <= k; r++) sb.append(' ').append(r).append(" |");
        sb.append("\n|---|");
        sb.append("---|".repeat(k)).append('\n');
        for (int i = 0; i < names.size(); i++) {
            sb.append("| ").append(escapeMd(names.get(i))).append(" |");
            for (Neighbour nb : ranked(i).subList(0, k)) {
                sb.append(' ').append(escapeMd(nb.name())).append(String.format(Locale.ROOT, " (%.2f) |", nb.cosine()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** CSV in long form: {@code class,rank,neighbour,cosine}, rank 1 the most similar. */
    public String csv(int top) {
        int k = top > 0 ? Math.min(top, names.size() - 1) : names.size() - 1;
        StringBuilder sb = new StringBuilder("class,rank,neighbour,cosine\n");
        for (int i = 0; i < names.size(); i++) {
            List<Neighbour> r = ranked(i);
            for (int j = 0; j < k; j++) {
                sb.append(csvField(names.get(i))).append(',').append(j + 1).append(',').append(csvField(r.get(j).name()))
                        .append(',').append(String.format(Locale.ROOT, "%.6f", r.get(j).cosine())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String escapeMd(String s) {
        return s.replace("|", "\\|");
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    @Override
    public String toString() {
        return "CosineTable" + names + Arrays.deepToString(cosine);
    }
}
