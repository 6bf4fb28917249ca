package imvec.store;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

/** {@link Npy#read} on arbitrary bytes: an array or a {@link UserError}, nothing else (see DataReadersFuzzTest). */
class NpyFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void npy(byte[] bytes) {
        try {
            Npy.Array a = Npy.read(FuzzFiles.write("x.npy", bytes));
            long count = 1;
            for (long s : a.shape()) count *= s;
            int n = a.floats() != null ? a.floats().length : a.ints().length;
            if (count != n) throw new AssertionError("shape promises " + count + " values, array holds " + n);
        } catch (UserError expected) {
            // refused
        }
    }
}
