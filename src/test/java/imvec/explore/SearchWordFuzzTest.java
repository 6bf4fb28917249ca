package imvec.explore;

import com.code_intelligence.jazzer.junit.FuzzTest;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A word typed in the explorer's search box, as the server hands it to the class-name scorer: a
 * score for every image (all finite) or a {@link UserError}, never another exception or a hang.
 * The run is {@link ExploreFixture}'s, built once per JVM.
 */
class SearchWordFuzzTest {
    /** The server's own cap on a search word (ExploreServer refuses longer ones before scoring). */
    private static final int MAX_WORD = 100;
    private static ExploreRun run;

    @FuzzTest(maxDuration = "90s")
    void word(byte[] bytes) throws IOException {
        String word = new String(bytes, StandardCharsets.UTF_8);
        if (word.isBlank() || word.length() > MAX_WORD) return;
        ExploreRun r = run();
        try {
            WordScorer.Scores s = new ClassNameScorer(r).score(word);
            if (s.scores().length != r.n()) throw new AssertionError(s.scores().length + " scores for " + r.n() + " images");
            for (float v : s.scores()) if (!Float.isFinite(v)) throw new AssertionError("score " + v + " for '" + word + "'");
            if (s.matched().isEmpty()) throw new AssertionError("scored '" + word + "' by no class");
        } catch (UserError expected) {
            // refused in one sentence
        }
    }

    private static synchronized ExploreRun run() throws IOException {
        if (run == null) {
            Path root = Files.createTempDirectory("imvec-fuzz-explore");
            run = ExploreRun.open(ExploreFixture.build(root), null);
        }
        return run;
    }
}
