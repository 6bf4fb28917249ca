package imvec.spatial;

import java.util.List;

/**
 * Adam over the head's float arrays with the one-cycle schedule (Smith 2018): the rate rises
 * from max/25 to max over the first 30 % of steps, then anneals (cosine) to max/10⁴.
 */
final class OneCycleAdam {
    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8, WARM = 0.3;
    private final double maxRate;
    private final long totalSteps;
    private final float[][] m, v;
    private long step;

    OneCycleAdam(List<Head.Param> params, double maxRate, long totalSteps) {
        this.maxRate = maxRate;
        this.totalSteps = Math.max(1, totalSteps);
        m = new float[params.size()][];
        v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).values().length];
            v[i] = new float[params.get(i).values().length];
        }
    }

    double rate(long t) {
        return rate(maxRate, totalSteps, t);
    }

    /** The one-cycle rate at step {@code t} (from 0) of {@code totalSteps}, peaking at {@code maxRate}. */
    static double rate(double maxRate, long totalSteps, long t) {
        double warm = WARM * totalSteps, start = maxRate / 25, end = maxRate / 1e4;
        if (t < warm) return start + (maxRate - start) * (1 - Math.cos(Math.PI * t / warm)) / 2;
        double f = (t - warm) / Math.max(1, totalSteps - warm);
        return end + (maxRate - end) * (1 + Math.cos(Math.PI * Math.min(1, f))) / 2;
    }

    void step(List<Head.Param> params, float[][] gradients) {
        double lr = rate(step++);
        double c1 = 1 - Math.pow(BETA1, step), c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i).values(), g = gradients[i], mi = m[i], vi = v[i];
            for (int j = 0; j < p.length; j++) {
                mi[j] = (float) (BETA1 * mi[j] + (1 - BETA1) * g[j]);
                vi[j] = (float) (BETA2 * vi[j] + (1 - BETA2) * g[j] * g[j]);
                p[j] -= (float) (lr * (mi[j] / c1) / (Math.sqrt(vi[j] / c2) + EPS));
            }
        }
    }
}
