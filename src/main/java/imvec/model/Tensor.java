package imvec.model;

import java.util.Arrays;

/** A dense float32 tensor in C order; {@code shape[0]} is the batch. */
public record Tensor(long[] shape, float[] data) {
    public Tensor {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    public int batch() {
        return (int) shape[0];
    }

    /** Values per batch item. */
    public int rowLength() {
        return batch() == 0 ? 0 : data.length / batch();
    }
}
