package imvec.bench;

import imvec.analysis.Rsa;
import imvec.analysis.Similarity;
import imvec.analysis.Timing;
import imvec.analysis.TwoVsTwo;
import imvec.util.Parallel;

import java.util.List;
import java.util.Random;

/**
 * Timing of the permutation tests for {@code imvec bench semantics}: random word vectors (100
 * dims) and image activations over k concepts, related through a random map plus noise so the
 * tests do real work; the similarity matrices are built first and timed apart.
 */
public final class SemanticsBench {
    private SemanticsBench() {
    }

    public record Result(int concepts, int permutations, int threads, double similaritySeconds, double twoVsTwoCpuSeconds,
                         double twoVsTwoSeconds, double twoVsTwo, double twoVsTwoP,
                         double rsaSeconds, double rsa, double rsaP) {
    }

    public static Result run(int k, int permutations, int imageDims, long seed, int threads) {
        Random r = new Random(seed);
        float[][] words = new float[k][100];
        for (float[] row : words) for (int j = 0; j < row.length; j++) row[j] = (float) r.nextGaussian();
        double[][] map = new double[100][imageDims];
        for (double[] row : map) for (int j = 0; j < imageDims; j++) row[j] = r.nextGaussian() / 10;
        float[][] images = new float[k][imageDims];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < imageDims; j++) {
                double s = 0;
                for (int q = 0; q < 100; q++) s += words[i][q] * map[q][j];
                images[i][j] = (float) Math.max(0, s + 4 * r.nextGaussian());
            }
        }
        long t0 = System.nanoTime();
        double[][][] m = Parallel.call(threads, () -> new double[][][]{Similarity.PEARSON.matrix(words), Similarity.PEARSON.matrix(images)});
        long t1 = System.nanoTime();
        long cpu0 = cpuNanos();
        TwoVsTwo.Result tvt = TwoVsTwo.builder().optPermutations(permutations).optSeed(seed).optThreads(threads)
                .optWordFactor(Similarity.PEARSON.factor(words)).build()
                .test(m[0], List.<double[][]>of(m[1]));
        long t2 = System.nanoTime();
        long cpu1 = cpuNanos();
        Rsa.Result rsa = Rsa.builder().optPermutations(permutations).optSeed(seed).optThreads(threads).build()
                .test(m[0], List.<double[][]>of(m[1]));
        long t3 = System.nanoTime();
        return new Result(k, permutations, threads > 0 ? threads : Parallel.cores(), (t1 - t0) / 1e9, (cpu1 - cpu0) / 1e9,
                (t2 - t1) / 1e9, tvt.mean(), tvt.p(), (t3 - t2) / 1e9, rsa.mean(), rsa.p());
    }

    /** CPU time of the whole process: on a shared machine wall time says little about the code. */
    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }
}
