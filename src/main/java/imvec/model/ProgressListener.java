package imvec.model;


/** Hears how training is going, e.g. to draw a progress bar. Called on the training thread. */
public interface ProgressListener {
    /** A listener that ignores everything, for {@code --json} and tests. */
    ProgressListener NONE = (done, total, loss) -> { };

    /**
     * One mini-batch finished.
     *
     * @param done  batches finished so far, over all epochs
     * @param total batches in the whole run
     * @param loss  mean cross-entropy of this batch
     */
    void batchDone(long done, long total, float loss);

    /** An epoch finished and the test set (if any) was evaluated. */
    default void epochDone(EpochStats stats) {
    }
}
