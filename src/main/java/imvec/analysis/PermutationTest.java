package imvec.analysis;

import imvec.util.Parallel;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The loop every permutation test runs: the statistic under each of {@code permutations} seeded
 * relabellings of the k concepts, in parallel on {@code threads} workers, and the p-value of the
 * observed statistic against them. Permutation i depends only on the seed and i, so the null
 * distribution is the same on any number of threads.
 */
record PermutationTest(int permutations, long seed, int threads) {

    /** The statistic of every permutation of 0..k−1, in permutation order. */
    double[] nulls(int k, ToDoubleFunction<int[]> statistic) {
        return Parallel.call(threads, () -> IntStream.range(0, permutations).parallel()
                .mapToDouble(i -> statistic.applyAsDouble(Permutations.of(seed, i, k))).toArray());
    }

    /** One-sided p of {@code observed} (large is extreme) against {@code nulls}; NaN without permutations. */
    double pValue(double observed, double[] nulls) {
        if (permutations == 0) return Double.NaN;
        int atLeast = 0;
        for (double v : nulls) if (v >= observed) atLeast++;
        return Permutations.pValue(atLeast, permutations);
    }

    /** Runs {@code body} on this test's worker threads (for the observed statistic). */
    <T> T onWorkers(Supplier<T> body) {
        return Parallel.call(threads, body);
    }
}
