package imvec.explore;

import java.util.Optional;

/**
 * Where in one image a word sits: a grid of scores over the image, drawn over it in the page.
 * Only the spatial visual-semantic model can answer this; {@link #NONE} says so.
 */
public interface LocalisationMaps {
    /** A {@code rows × cols} grid of scores in [0, 1], row-major from the image's top-left. */
    record Map(String word, int rows, int cols, float[] scores) {
    }

    /** The map of {@code word} over image {@code row}, or empty when this provider cannot make one. */
    Optional<Map> map(int row, String word);

    /** Whether this provider makes maps at all (the page hides the feature when not). */
    boolean available();

    /** The provider until a spatial model is plugged in: no maps. */
    LocalisationMaps NONE = new LocalisationMaps() {
        @Override
        public Optional<Map> map(int row, String word) {
            return Optional.empty();
        }

        @Override
        public boolean available() {
            return false;
        }
    };
}
