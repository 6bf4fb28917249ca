package imvec.spatial;

import java.util.List;

/** Label names and their unit word vectors, one row each, in the same order. */
public record LabelVectors(List<String> names, float[][] unit) {
    public LabelVectors {
        if (names.size() != unit.length) throw new IllegalArgumentException(names.size() + " names for " + unit.length + " vectors");
        names = List.copyOf(names);
        float[][] copy = new float[unit.length][];
        for (int i = 0; i < unit.length; i++) copy[i] = normalised(unit[i]);
        unit = copy;
    }

    public int size() {
        return names.size();
    }

    public int dims() {
        return unit.length == 0 ? 0 : unit[0].length;
    }

    static float[] normalised(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        float[] out = v.clone();
        double n = Math.sqrt(s);
        if (n > 0) for (int i = 0; i < out.length; i++) out[i] = (float) (out[i] / n);
        return out;
    }
}
