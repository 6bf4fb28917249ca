package imvec.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Finds a JPEG's embedded ICC colour profile (APP2 {@code ICC_PROFILE} segments before the
 * first scan) and tells whether it describes sRGB, whose colours need no conversion.
 */
final class JpegIcc {
    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private JpegIcc() {
    }

    /** True when the JPEG carries no colour profile or an sRGB one; false for any other profile. */
    static boolean srgbOrNone(byte[] jpeg) {
        byte[] icc = profile(jpeg);
        return icc == null || isSrgb(icc);
    }

    /** The profile's bytes, its chunks joined in file order; null when there is none. */
    static byte[] profile(byte[] jpeg) {
        return profile(jpeg, jpeg.length);
    }

    /** As {@link #profile(byte[])} on the first {@code length} bytes (a reused, longer buffer). */
    static byte[] profile(byte[] jpeg, int length) {
        ByteArrayOutputStream icc = null;
        int i = 2; // after SOI
        while (i + 4 <= length && (jpeg[i] & 0xFF) == 0xFF) {
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) break; // start of scan or end of image: no more headers
            int len = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (len < 2 || i + 2 + len > length) break;
            int body = i + 4, bodyLen = len - 2;
            if (marker == 0xE2 && bodyLen > ICC_ID.length + 2 && startsWith(jpeg, body, ICC_ID)) {
                if (icc == null) icc = new ByteArrayOutputStream();
                int skip = ICC_ID.length + 2; // identifier, chunk number, chunk count
                icc.write(jpeg, body + skip, bodyLen - skip);
            }
            i += 2 + len;
        }
        return icc == null ? null : icc.toByteArray();
    }

    /**
     * Whether the profile's description tag names sRGB ("sRGB IEC61966-2.1", "sRGB built-in", …),
     * read as ASCII (ICC v2 'desc') or UTF-16 (v4 'mluc').
     */
    static boolean isSrgb(byte[] icc) {
        if (icc.length < 132) return false;
        int tags = readInt(icc, 128);
        for (int t = 0; t < tags && 132 + 12 * t + 12 <= icc.length; t++) {
            int at = 132 + 12 * t;
            if (readInt(icc, at) != 0x64657363) continue; // 'desc'
            int offset = readInt(icc, at + 4), size = readInt(icc, at + 8);
            if (offset < 0 || size < 0 || offset > icc.length || size > icc.length - offset) return false;
            String ascii = new String(icc, offset, size, StandardCharsets.ISO_8859_1);
            String utf16 = new String(icc, offset, size & ~1, StandardCharsets.UTF_16BE);
            String utf16Odd = size > 1 ? new String(icc, offset + 1, (size - 1) & ~1, StandardCharsets.UTF_16BE) : "";
            return ascii.contains("sRGB") || utf16.contains("sRGB") || utf16Odd.contains("sRGB");
        }
        return false;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (at + prefix.length > b.length) return false;
        for (int k = 0; k < prefix.length; k++) if (b[at + k] != prefix[k]) return false;
        return true;
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
