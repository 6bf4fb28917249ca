package imvec.store;

import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpyTest {
    @TempDir
    Path tmp;

    @Test
    void headersAreAlignedTo64BytesAsNumpyDoes() {
        for (long[] shape : new long[][]{{3}, {0, 5}, {70000, 768}, {2, 3, 4, 5}}) {
            byte[] h = Npy.header("<f4", shape);
            assertThat(h.length % 64).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
        }
        assertThat(new String(Npy.header("<i4", 7))).contains("'shape': (7,)");
    }

    @Test
    void roundTripsFloatsAndInts() throws Exception {
        float[] f = {1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, 7f};
        Npy.write(tmp.resolve("f.npy"), f, 2, 3);
        Npy.Array a = Npy.read(tmp.resolve("f.npy"));
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.floats()).containsExactly(f);
        assertThat(Npy.readMatrix(tmp.resolve("f.npy"))[1]).containsExactly(3e38f, 0f, 7f);
        Npy.write(tmp.resolve("i.npy"), new int[]{4, -1, 9}, 3);
        assertThat(Npy.readInts(tmp.resolve("i.npy"))).containsExactly(4, -1, 9);
    }

    @Test
    void numpyReadsOursAndWeReadNumpys() throws Exception {
        NumpyCheck.assumeNumpy();
        Npy.write(tmp.resolve("ours.npy"), new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
        String out = NumpyCheck.run("import numpy as np,sys\n"
                + "a=np.load(sys.argv[1]+'/ours.npy'); assert a.dtype==np.float32 and a.shape==(3,2); print(a.sum())\n"
                + "np.save(sys.argv[1]+'/f8.npy', np.arange(6, dtype=np.float64).reshape(2,3)/4)\n"
                + "np.save(sys.argv[1]+'/i8.npy', np.array([3,1,2], dtype=np.int64))\n"
                + "np.save(sys.argv[1]+'/f4.npy', np.linspace(0,1,5, dtype=np.float32))\n", tmp.toString());
        assertThat(out.trim()).isEqualTo("21.0");
        assertThat(Npy.readMatrix(tmp.resolve("f8.npy"))[1]).containsExactly(0.75f, 1f, 1.25f);
        assertThat(Npy.readInts(tmp.resolve("i8.npy"))).containsExactly(3, 1, 2);
        assertThat(Npy.read(tmp.resolve("f4.npy")).floats()).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f);
    }

    @Test
    void badFilesAreUserErrors() throws Exception {
        Files.writeString(tmp.resolve("x.npy"), "hello world, not numpy");
        assertThatThrownBy(() -> Npy.read(tmp.resolve("x.npy"))).isInstanceOf(UserError.class).hasMessageContaining("not a .npy file");
        Npy.write(tmp.resolve("t.npy"), new float[100], 10, 10);
        byte[] all = Files.readAllBytes(tmp.resolve("t.npy"));
        Files.write(tmp.resolve("t.npy"), java.util.Arrays.copyOf(all, all.length - 8));
        assertThatThrownBy(() -> Npy.read(tmp.resolve("t.npy"))).isInstanceOf(UserError.class).hasMessageContaining("truncated");
        Npy.write(tmp.resolve("frac.npy"), new float[]{1.5f}, 1);
        assertThatThrownBy(() -> Npy.readInts(tmp.resolve("frac.npy"))).isInstanceOf(UserError.class).hasMessageContaining("non-integer");
    }

    @Test
    void poolingAndLayerSyntax() {
        var t = new imvec.model.Tensor(new long[]{1, 2, 1, 3}, new float[]{1, 2, 3, -1, -5, 0});
        assertThat(Pool.AVG.apply(t)).containsExactly(2f, -2f);
        assertThat(Pool.MAX.apply(t)).containsExactly(3f, 0f);
        assertThat(Pool.FLATTEN.apply(t)).hasSize(6);
        assertThat(Pool.AVG.width(new long[]{-1, 768, 7, 7})).isEqualTo(768);
        assertThat(Pool.FLATTEN.width(new long[]{-1, 768, 7, 7})).isEqualTo(768 * 49);
        assertThat(LayerRequest.parse("StatefulPartitionedCall:0@max", Pool.AVG))
                .isEqualTo(new LayerRequest("StatefulPartitionedCall:0", Pool.MAX));
        assertThat(LayerRequest.parse("conv/relu:0", Pool.AVG).fileName()).isEqualTo("conv_relu_0.npy");
        assertThatThrownBy(() -> LayerRequest.parse("x@median", Pool.AVG)).isInstanceOf(UserError.class);
    }
}
