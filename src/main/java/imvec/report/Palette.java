package imvec.report;

import java.awt.Color;
import java.util.List;

/**
 * A fixed qualitative palette: the ten Tableau colours, then their light partners, so up to ten
 * classes are maximally distinct and up to twenty still readable. Beyond twenty it cycles.
 */
public final class Palette {
    public static final List<Color> QUALITATIVE = List.of(
            rgb(0x1f77b4), rgb(0xff7f0e), rgb(0x2ca02c), rgb(0xd62728), rgb(0x9467bd),
            rgb(0x8c564b), rgb(0xe377c2), rgb(0x7f7f7f), rgb(0xbcbd22), rgb(0x17becf),
            rgb(0xaec7e8), rgb(0xffbb78), rgb(0x98df8a), rgb(0xff9896), rgb(0xc5b0d5),
            rgb(0xc49c94), rgb(0xf7b6d2), rgb(0xc7c7c7), rgb(0xdbdb8d), rgb(0x9edae5));

    private Palette() {
    }

    /** The colour of the i-th class (0-based), cycling after {@link #QUALITATIVE}. */
    public static Color color(int i) {
        return QUALITATIVE.get(Math.floorMod(i, QUALITATIVE.size()));
    }

    private static Color rgb(int hex) {
        return new Color(hex);
    }
}
