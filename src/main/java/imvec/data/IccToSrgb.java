package imvec.data;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.ColorConvertOp;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts decoded RGB samples from a JPEG's embedded colour profile (Adobe RGB, ProPhoto,
 * camera profiles…) to sRGB with the JDK's colour management, so turbojpeg can decode such files
 * too and only the decoded, already DCT-shrunk pixels pay for the conversion.
 */
final class IccToSrgb {
    /** Photos of one collection share a handful of profiles; parsing one costs more than converting a small image. */
    private static final int CACHED_PROFILES = 32;
    private static final Map<Key, IccToSrgb> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, IccToSrgb> eldest) {
            return size() > CACHED_PROFILES;
        }
    };
    /** Remembers profiles that are not usable RGB ones, so their files go to the JDK decoder without reparsing. */
    private static final IccToSrgb UNUSABLE = new IccToSrgb(null);

    /**
     * One op per thread: ColorConvertOp keeps the colour transform it builds (the costly part, a few
     * milliseconds) in mutable fields, so it is reused but not shared.
     */
    private final ThreadLocal<ColorConvertOp> op;

    private IccToSrgb(ICC_ColorSpace space) {
        this.op = ThreadLocal.withInitial(() -> new ColorConvertOp(space, ColorSpace.getInstance(ColorSpace.CS_sRGB), null));
    }

    /** The conversion from {@code icc} to sRGB; null when it is not a 3-component RGB profile the JDK can read. */
    static IccToSrgb forProfile(byte[] icc) {
        Key key = new Key(icc);
        IccToSrgb c;
        synchronized (CACHE) {
            c = CACHE.get(key);
        }
        if (c == null) {
            c = parse(icc);
            synchronized (CACHE) {
                CACHE.put(key, c);
            }
        }
        return c == UNUSABLE ? null : c;
    }

    private static IccToSrgb parse(byte[] icc) {
        try {
            ICC_Profile p = ICC_Profile.getInstance(icc);
            if (p.getColorSpaceType() != ColorSpace.TYPE_RGB || p.getNumComponents() != 3) return UNUSABLE;
            return new IccToSrgb(new ICC_ColorSpace(p));
        } catch (IllegalArgumentException | java.awt.color.CMMException e) {
            return UNUSABLE;
        }
    }

    /** The first {@code width × height} interleaved RGB samples of {@code rgb}, converted to sRGB in a new array. */
    byte[] convert(byte[] rgb, int width, int height) {
        byte[] out = new byte[width * height * 3];
        op.get().filter(raster(rgb, width, height), raster(out, width, height));
        return out;
    }

    private static WritableRaster raster(byte[] rgb, int width, int height) {
        return Raster.createInterleavedRaster(new DataBufferByte(rgb, width * height * 3), width, height, width * 3, 3, new int[]{0, 1, 2}, null);
    }

    /** A profile's bytes as a map key (compared whole, hashed once). */
    private record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
