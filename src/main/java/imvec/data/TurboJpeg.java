package imvec.data;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JPEG decoding with libjpeg-turbo's Java binding (Debian's {@code libturbojpeg-java}: JNI over
 * the SIMD library), about five times faster than the JDK's decoder on ImageNet photos, with
 * the same pixels (both use libjpeg's accurate integer IDCT and fancy upsampling).
 *
 * <p>The binding is not on Maven Central, so it is loaded at run time from its jar through its
 * own class loader and called through method handles; the build does not need it, and without
 * it {@link #load} reports why and {@link Images} uses the JDK decoder. The binding's own loader
 * wants the unversioned {@code libturbojpeg.so} (only in {@code libturbojpeg0-dev}); the class
 * loader here also finds the runtime package's {@code libturbojpeg.so.0}, so either package will do.
 */
public final class TurboJpeg {
    /** Where Debian installs the binding; {@code -Dimvec.turbojpeg.jar=PATH} points elsewhere. */
    public static final Path DEBIAN_JAR = Path.of("/usr/share/java/turbojpeg.jar");

    private static final String PKG = "org.libjpegturbo.turbojpeg.";
    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/usr/local/lib"));

    private final MethodHandle create;     // TJDecompressor()
    private final MethodHandle source;     // void setSourceImage(byte[] jpeg, int length)
    private final MethodHandle width;      // int getWidth()
    private final MethodHandle height;     // int getHeight()
    private final MethodHandle colorspace; // int getColorspace()
    private final MethodHandle decompress; // void decompress(byte[] dst, x, y, w, pitch, h, pixelFormat, flags)
    private final MethodHandle close;      // void close()
    private final MethodHandle errorCode;  // int TJException.getErrorCode()
    private final Class<?> tjException;
    private final int pfRgb, pfGray, csGray, csRgb, csYcbcr, errWarning, flagFastDct, flagFastUpsample;
    private final int[][] scalingFactors;  // {num, denom}, as the library offers them
    private final String description;

    private TurboJpeg(ClassLoader loader, Path jar) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> tj = Class.forName(PKG + "TJ", true, loader);
        Class<?> dec = Class.forName(PKG + "TJDecompressor", true, loader);
        tjException = Class.forName(PKG + "TJException", true, loader);
        Class<?> factor = Class.forName(PKG + "TJScalingFactor", true, loader);
        create = lookup.findConstructor(dec, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class));
        source = lookup.findVirtual(dec, "setSourceImage", MethodType.methodType(void.class, byte[].class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
        width = lookup.findVirtual(dec, "getWidth", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Object.class));
        height = lookup.findVirtual(dec, "getHeight", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Object.class));
        colorspace = lookup.findVirtual(dec, "getColorspace", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Object.class));
        MethodType decompressType = MethodType.methodType(void.class, byte[].class, int.class, int.class, int.class, int.class, int.class, int.class, int.class);
        decompress = lookup.findVirtual(dec, "decompress", decompressType).asType(decompressType.insertParameterTypes(0, Object.class));
        close = lookup.findVirtual(dec, "close", MethodType.methodType(void.class)).asType(MethodType.methodType(void.class, Object.class));
        errorCode = lookup.findVirtual(tjException, "getErrorCode", MethodType.methodType(int.class)).asType(MethodType.methodType(int.class, Throwable.class));
        pfRgb = tj.getField("PF_RGB").getInt(null);
        pfGray = tj.getField("PF_GRAY").getInt(null);
        csGray = tj.getField("CS_GRAY").getInt(null);
        csRgb = tj.getField("CS_RGB").getInt(null);
        csYcbcr = tj.getField("CS_YCbCr").getInt(null);
        errWarning = tj.getField("ERR_WARNING").getInt(null);
        flagFastDct = tj.getField("FLAG_FASTDCT").getInt(null);
        flagFastUpsample = tj.getField("FLAG_FASTUPSAMPLE").getInt(null);
        // The first native call: this is where a missing libturbojpeg shows up (UnsatisfiedLinkError).
        Object[] factors = (Object[]) tj.getMethod("getScalingFactors").invoke(null);
        List<int[]> fs = new ArrayList<>();
        for (Object f : factors) {
            fs.add(new int[]{(int) factor.getMethod("getNum").invoke(f), (int) factor.getMethod("getDenom").invoke(f)});
        }
        scalingFactors = fs.toArray(int[][]::new);
        String version = dec.getPackage() != null ? dec.getPackage().getImplementationVersion() : null;
        description = "turbojpeg" + (version != null ? " " + version : "") + " (" + jar + ")";
    }

    /** The outcome of looking for the binding: the decoder, or why there is none. */
    public record Loaded(TurboJpeg decoder, String unavailableReason) {
    }

    /**
     * Loads the binding from {@code jar}; never throws, a missing jar or native library is a reason.
     * Remembered per jar: a native library can belong to only one class loader in a JVM.
     */
    public static synchronized Loaded load(Path jar) {
        return LOADED.computeIfAbsent(jar.toAbsolutePath().normalize(), TurboJpeg::open);
    }

    private static final java.util.Map<Path, Loaded> LOADED = new java.util.HashMap<>();

    private static Loaded open(Path jar) {
        if (!Files.isRegularFile(jar)) return new Loaded(null, jar + " not found (install libturbojpeg-java)");
        try {
            ClassLoader loader = new NativeFindingLoader(new URL[]{jar.toUri().toURL()}, TurboJpeg.class.getClassLoader());
            return new Loaded(new TurboJpeg(loader, jar), null);
        } catch (ReflectiveOperationException | LinkageError | IOException | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            return new Loaded(null, "cannot load " + jar + " (" + cause + ")");
        }
    }

    /** Names the library and jar, for benchmarks and provenance. */
    public String describe() {
        return description;
    }

    /** The scaling factors the library offers, as {num, denom} pairs. */
    public int[][] scalingFactors() {
        return scalingFactors.clone();
    }

    /**
     * libjpeg-turbo's speed options: {@code fastDct} is the fast integer IDCT (used only at full
     * size; scaled decodes have their own reduced-size IDCTs), {@code fastUpsample} replicates
     * chroma samples instead of interpolating them. Both off is libjpeg's accurate default, the
     * one whose pixels match the JDK decoder's.
     */
    public record Speed(boolean fastDct, boolean fastUpsample) {
        public static final Speed ACCURATE = new Speed(false, false);

        /** "accurate", or the options on, for benchmarks and provenance. */
        public String describe() {
            if (!fastDct && !fastUpsample) return "accurate";
            return fastDct && fastUpsample ? "fast DCT, fast upsampling" : fastDct ? "fast DCT" : "fast upsampling";
        }
    }

    /** As {@link #decode(byte[], String, int, int, Speed)}, decoding accurately. */
    public Image decode(byte[] jpeg, String id, int minWidth, int minHeight) throws TruncatedImageException {
        return decode(jpeg, id, minWidth, minHeight, Speed.ACCURATE);
    }

    /**
     * Decodes a JPEG, scaled down by the smallest of the library's DCT factors that keeps it at
     * least {@code minWidth × minHeight} (pass 0, 0 for full size). A file with an embedded RGB
     * colour profile other than sRGB is decoded here too and its (already shrunk) pixels converted
     * to sRGB through the profile ({@link IccToSrgb}), as the JDK decoder converts them at full size.
     * Returns null for what this decoder leaves to the JDK one: CMYK and YCCK files, greyscale or
     * unparseable colour profiles, and files libjpeg-turbo rejects outright (so the error message
     * comes from the reader that would have been used without turbojpeg). Data ending early throws
     * {@link TruncatedImageException}: libjpeg pads it with grey and would only warn.
     */
    public Image decode(byte[] jpeg, String id, int minWidth, int minHeight, Speed speed) throws TruncatedImageException {
        Decoded d = decode(jpeg, jpeg.length, id, minWidth, minHeight, speed, byte[]::new);
        return d == null ? null : new Image(d.width(), d.height(), d.channels(), d.pixels(), d.origin());
    }

    /**
     * Decoded samples in the first {@code width × height × channels} entries of {@code pixels},
     * which may be longer (a buffer reused across images).
     */
    record Decoded(byte[] pixels, int width, int height, int channels, Image.Origin origin) {
    }

    /** The per-thread buffer {@link #decodeReusing} decodes into, grown as images need. */
    private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[0]);
    /** A larger decode gets its own array: a rare huge photo must not stay allocated for every decoding thread. */
    private static final int MAX_REUSED_BYTES = 32 << 20;

    /**
     * As {@link #decode(byte[], String, int, int, Speed)}, into a buffer this thread reuses for
     * every image: valid only until the thread's next call. For a consumer that preprocesses the
     * pixels straight away (extraction), so decoding allocates nothing per image.
     */
    Decoded decodeReusing(byte[] jpeg, int length, String id, int minWidth, int minHeight, Speed speed) throws TruncatedImageException {
        return decode(jpeg, length, id, minWidth, minHeight, speed, n -> {
            if (n > MAX_REUSED_BYTES) return new byte[n];
            byte[] b = scratch.get();
            if (b.length < n) {
                b = new byte[Math.min(MAX_REUSED_BYTES, Math.max(n, b.length + b.length / 2))];
                scratch.set(b);
            }
            return b;
        });
    }

    /**
     * This thread's decompressor, kept across images: a new TJDecompressor per image costs a
     * native handle and a finalizer registration, which the garbage collector then has to process.
     */
    private final ThreadLocal<Object> decompressor = new ThreadLocal<>();

    private Object decompressor() throws Throwable {
        Object d = decompressor.get();
        if (d == null) {
            d = create.invokeExact();
            decompressor.set(d);
        }
        return d;
    }

    /** After an error libjpeg's state is not trusted: the next image gets a fresh decompressor. */
    private void discardDecompressor() {
        Object d = decompressor.get();
        decompressor.remove();
        if (d != null) closeQuietly(d);
    }

    /** Decodes the first {@code length} bytes of {@code jpeg} (the array may be a longer, reused buffer). */
    private Decoded decode(byte[] jpeg, int length, String id, int minWidth, int minHeight, Speed speed,
                           java.util.function.IntFunction<byte[]> buffer) throws TruncatedImageException {
        if (length <= 0 || length > jpeg.length) throw new IllegalArgumentException("length " + length + " outside 1.." + jpeg.length);
        byte[] icc = JpegIcc.profile(jpeg, length);
        IccToSrgb toSrgb = null;
        if (icc != null && !JpegIcc.isSrgb(icc)) {
            toSrgb = IccToSrgb.forProfile(icc);
            if (toSrgb == null) return null;
        }
        Object d;
        int w, h, cs;
        try {
            d = decompressor();
            source.invokeExact(d, jpeg, length);
            w = (int) width.invokeExact(d);
            h = (int) height.invokeExact(d);
            cs = (int) colorspace.invokeExact(d);
        } catch (Throwable t) {
            discardDecompressor();
            return rejected(t);
        }
        try {
            if (cs != csGray && cs != csRgb && cs != csYcbcr) return null;
            // An RGB profile on a greyscale file: rare, and the JDK decoder knows what it means.
            if (toSrgb != null && cs == csGray) return null;
            // A forged header must not make us allocate gigabytes; the JDK path refuses it in one sentence.
            if ((long) w * h > Images.MAX_PIXELS) return null;
            int channels = cs == csGray ? 1 : 3;
            int[] f = chooseScale(w, h, minWidth, minHeight, scalingFactors);
            int sw = scaled(w, f), sh = scaled(h, f);
            byte[] px = buffer.apply(sw * sh * channels);
            int flags = (speed.fastDct() ? flagFastDct : 0) | (speed.fastUpsample() ? flagFastUpsample : 0);
            try {
                decompress.invokeExact(d, px, 0, 0, sw, sw * channels, sh, channels == 1 ? pfGray : pfRgb, flags);
            } catch (Throwable t) {
                discardDecompressor();
                if (!tjException.isInstance(t)) return rethrowUnchecked(t);
                String msg = String.valueOf(t.getMessage());
                if (isPrematureEnd(msg)) throw new TruncatedImageException(id, "JPEG data ends early (" + msg.strip() + ")");
                // Other warnings (e.g. stray bytes before a marker) leave a fully decoded image, as the JDK decoder does.
                if (!isWarning(t)) return null;
            }
            if (toSrgb != null) px = toSrgb.convert(px, sw, sh);
            return new Decoded(px, sw, sh, channels, new Image.Origin(w, h, (double) f[0] / f[1]));
        } catch (TruncatedImageException e) {
            throw e;
        } catch (Throwable t) {
            return rethrowUnchecked(t);
        }
    }

    private void closeQuietly(Object d) {
        try {
            close.invokeExact(d);
        } catch (Throwable ignored) {
            // closing only frees the native handle; the finaliser does the same
        }
    }

    /**
     * A header libjpeg-turbo cannot read (a TJException, or the binding's IllegalStateException when
     * it kept no image): null, so the JDK decoder gets the file and words the error as without turbojpeg.
     */
    private static <T> T rejected(Throwable t) {
        if (t instanceof Error e) throw e;
        return null;
    }

    /** libjpeg's warnings for data that stops early: JWRN_JPEG_EOF and JWRN_HIT_MARKER. */
    static boolean isPrematureEnd(String message) {
        return message.toLowerCase(Locale.ROOT).contains("premature end");
    }

    private boolean isWarning(Throwable t) {
        try {
            return (int) errorCode.invokeExact(t) == errWarning;
        } catch (Throwable e) {
            return false;
        }
    }

    /** A TJException while decoding is an error libjpeg-turbo gave up on: null, so the JDK decoder tries. */
    private <T> T rethrowUnchecked(Throwable t) {
        if (tjException.isInstance(t)) return null;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }

    /**
     * The smallest factor {num, denom} ≤ 1 with {@code w·num/denom ≥ minWidth} and
     * {@code h·num/denom ≥ minHeight} (exactly, before rounding up), so resizing to the target
     * only ever shrinks and never interpolates up from a decode smaller than the target; {1, 1}
     * when no factor below 1 qualifies or no target is given (0 or less).
     */
    static int[] chooseScale(int w, int h, int minWidth, int minHeight, int[][] factors) {
        int[] best = {1, 1};
        if (minWidth <= 0 || minHeight <= 0) return best;
        for (int[] f : factors) {
            if (f[0] >= f[1]) continue;
            boolean big = (long) w * f[0] >= (long) minWidth * f[1] && (long) h * f[0] >= (long) minHeight * f[1];
            if (big && (long) f[0] * best[1] < (long) best[0] * f[1]) best = f;
        }
        return best;
    }

    /** TurboJPEG's TJSCALED: the dimension times the factor, rounded up. */
    static int scaled(int dim, int[] f) {
        return (int) (((long) dim * f[0] + f[1] - 1) / f[1]);
    }

    /**
     * Loads the binding's classes, and resolves its {@code System.loadLibrary("turbojpeg")} to the
     * versioned runtime library when the unversioned development link is not installed.
     */
    private static final class NativeFindingLoader extends URLClassLoader {
        NativeFindingLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected String findLibrary(String name) {
            String found = super.findLibrary(name);
            if (found != null || !name.equals("turbojpeg")) return found;
            for (Path dir : LIBRARY_DIRS) {
                for (String file : List.of(System.mapLibraryName(name), System.mapLibraryName(name) + ".0")) {
                    if (Files.isRegularFile(dir.resolve(file))) return dir.resolve(file).toString();
                }
            }
            return null;
        }
    }
}
