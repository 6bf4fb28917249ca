package imvec.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

/** Model cards on arbitrary bytes: a card (whose preprocessing builds) or a {@link UserError}, nothing else. */
class ModelCardsFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void card(byte[] bytes) {
        try {
            ModelCard c = ModelCards.read(FuzzFiles.write("model.onnx.json", bytes));
            if (c != null && c.height() > 0 && c.width() > 0) c.preprocessing().build();
        } catch (UserError expected) {
            // refused
        }
    }
}
