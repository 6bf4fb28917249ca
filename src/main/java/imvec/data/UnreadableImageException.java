package imvec.data;

import java.io.IOException;

/** One image could not be decoded; extraction skips it (or stops, with --strict). */
public class UnreadableImageException extends IOException {
    private final String imageId;

    public UnreadableImageException(String imageId, String reason) {
        super(imageId + ": " + reason);
        this.imageId = imageId;
    }

    public String imageId() {
        return imageId;
    }
}
