package imvec.data;

/**
 * An image whose data ends early (a cut-off download or copy). Decoders fill the missing part
 * with grey, so it decodes into pixels that look like a real image; extraction treats it as
 * unreadable unless the user asks to keep such images.
 */
public class TruncatedImageException extends UnreadableImageException {
    public TruncatedImageException(String imageId, String reason) {
        super(imageId, reason);
    }
}
