package imvec.data;

/**
 * An image whose data ends early (a cut-off download or copy). Decoders fill the missing part
 * with grey, so it decodes into pixels that look like a real image; extraction treats it as
 * unreadable unless the user asks to keep such images.
 */
public class TruncatedImageException extends UnreadableImageException {
    private final transient Image decoded;

    public TruncatedImageException(String imageId, String reason) {
        this(imageId, reason, null);
    }

    /** @param decoded what the decoder made of the file, missing part filled in, or null when it made nothing */
    public TruncatedImageException(String imageId, String reason, Image decoded) {
        super(imageId, reason);
        this.decoded = decoded;
    }

    /** The padded image, for a caller that keeps truncated images; null when the decoder gave none. */
    public Image decoded() {
        return decoded;
    }
}
