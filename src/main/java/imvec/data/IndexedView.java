package imvec.data;

import java.io.IOException;

/**
 * A set whose image {@code i} is image {@link #baseIndex}(i) of another set: ids and pixels come
 * from there, so subsets and relabelled sets keep the base's fast decoding path.
 */
interface IndexedView extends ImageSet {
    ImageSet base();

    int baseIndex(int index);

    @Override
    default String id(int index) {
        return base().id(baseIndex(index));
    }

    @Override
    default Image read(int index) throws IOException {
        return base().read(baseIndex(index));
    }

    @Override
    default Image read(int index, int minWidth, int minHeight) throws IOException {
        return base().read(baseIndex(index), minWidth, minHeight);
    }

    @Override
    default void readInto(int index, Preprocess pre, float[] dst, int offset) throws IOException {
        base().readInto(baseIndex(index), pre, dst, offset);
    }
}
