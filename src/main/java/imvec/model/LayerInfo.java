package imvec.model;

import java.util.Arrays;

/**
 * A tensor that can be tapped: its name, the op that produces it, and its shape with the batch
 * dimension first. Unknown dimensions are -1; {@code shape} is empty when nothing is known.
 */
public record LayerInfo(String name, String opType, long[] shape) {
    public String shapeText() {
        return shape.length == 0 ? "?" : Arrays.toString(shape).replace("-1", "?");
    }
}
