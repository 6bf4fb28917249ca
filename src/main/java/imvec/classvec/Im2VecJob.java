package imvec.classvec;

import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.Preprocess;
import imvec.util.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;

/**
 * Im2Vec on an image set: decode every image at its own size, flatten the pixels (CHW order,
 * scaled to [0, 1]), standardise each channel with the training set's mean and standard deviation,
 * then train {@link Im2Vec}.
 */
public final class Im2VecJob {
    public record Result(Im2Vec.Result im2vec, int trainImages, int testImages, int inputs,
                         float[] channelMean, float[] channelStd, String trainSpec, String testSpec,
                         double decodeSeconds) {
    }

    private Im2VecJob() {
    }

    public static Result run(ImageSet train, ImageSet test, Im2Vec im2vec, BiConsumer<Long, Long> decodeProgress) {
        long t0 = System.nanoTime();
        Preprocess pre = unitPreprocess(train);
        ImageTensors tr = ImageTensors.load(train, pre, decodeProgress);
        ImageTensors te = null;
        if (test != null) {
            if (!test.classes().equals(train.classes())) {
                throw new UserError("test set " + test.spec() + " has classes " + test.classes() + ", not the training set's " + train.classes() + ".");
            }
            te = ImageTensors.load(test, pre, decodeProgress);
        }
        double decode = (System.nanoTime() - t0) / 1e9;
        float[][] stats = tr.channelStats();
        tr.standardise(stats);
        if (te != null) te.standardise(stats);
        Im2Vec.Result r = im2vec.fit(tr.x(), tr.y(), tr.n(), tr.size(), train.classes(),
                te == null ? null : te.x(), te == null ? null : te.y(), te == null ? 0 : te.n());
        return new Result(r, tr.n(), te == null ? 0 : te.n(), tr.size(), stats[0], stats[1], train.spec(),
                test == null ? null : test.spec(), decode);
    }

    /** Pixels at the first image's size and channels, scaled to [0, 1]. */
    public static Preprocess unitPreprocess(ImageSet set) {
        if (set.size() == 0) throw new UserError("dataset " + set.spec() + " holds no images.");
        try {
            Image first = set.read(0);
            return Preprocess.builder().setChannels(first.channels()).setSize(first.height(), first.width()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
