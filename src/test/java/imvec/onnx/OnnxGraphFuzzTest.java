package imvec.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.UserError;

import java.nio.file.Path;

/** ONNX graph reading on arbitrary bytes: a graph or a {@link UserError}, nothing else. */
class OnnxGraphFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void parse(byte[] bytes) {
        try {
            OnnxGraph g = OnnxGraph.parse(Path.of("fuzz.onnx"), bytes);
            g.inputShape();
            g.declaredOutputs();
        } catch (UserError expected) {
            // refused
        }
    }
}
