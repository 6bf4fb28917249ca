package imvec.analysis;

/**
 * The options every permutation test of this package takes: how many label permutations give
 * the p-value, their seed, and the worker threads. RSA, 2-vs-2 and 1-vs-2 builders extend it.
 *
 * @param <B> the concrete builder, returned by each setter so calls chain
 */
public abstract class PermutationOptions<B extends PermutationOptions<B>> {
    private int permutations = 1000;
    private long seed = 0;
    private int threads = 0;

    protected PermutationOptions() {
    }

    /** Label permutations for the p-value (default 1000, as in Dharmaretnam and Fyshe); 0 skips it. */
    public B optPermutations(int p) {
        Permutations.checkCount(p);
        this.permutations = p;
        return self();
    }

    public B optSeed(long seed) {
        this.seed = seed;
        return self();
    }

    /** Worker threads; 0 (default) uses all cores. */
    public B optThreads(int threads) {
        this.threads = imvec.util.Parallel.checkThreads(threads);
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    PermutationTest permutationTest() {
        return new PermutationTest(permutations, seed, threads);
    }
}
