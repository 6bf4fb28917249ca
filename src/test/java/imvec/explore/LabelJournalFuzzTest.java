package imvec.explore;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.FuzzFiles;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The explorer's label inputs: a label name typed in the page, and a labels journal as a crash or
 * a hand edit may leave it. Each ends in a result or a {@link UserError}, nothing else.
 */
class LabelJournalFuzzTest {
    @FuzzTest(maxDuration = "90s")
    void labelName(byte[] bytes) {
        String name = new String(bytes, StandardCharsets.UTF_8);
        try {
            String checked = LabelJournal.checkName(name);
            if (!checked.isEmpty() && (checked.length() > 64 || checked.isBlank())) {
                throw new AssertionError("accepted the label name '" + checked + "'");
            }
        } catch (UserError expected) {
            // refused in one sentence
        }
    }

    @FuzzTest(maxDuration = "90s")
    void journal(byte[] bytes) throws IOException {
        Path dir = FuzzFiles.write("run/" + LabelJournal.JOURNAL, bytes).getParent();
        Files.deleteIfExists(dir.resolve(LabelJournal.CSV));
        try {
            LabelJournal.open(dir, List.of("a.png", "b.png", "c.png"));
        } catch (UserError expected) {
            // refused in one sentence
        }
    }
}
