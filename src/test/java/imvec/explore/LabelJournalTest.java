package imvec.explore;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelJournalTest {
    @TempDir
    Path dir;

    static final List<String> IDS = List.of("a/1.png", "a/2.png", "b/3.png", "b,4.png");

    @Test
    void replaysSetsAndUndosAfterReopening() {
        LabelJournal j = LabelJournal.open(dir, IDS);
        j.set("cat", List.of("a/1.png", "a/2.png"));
        j.set("dog", List.of("a/2.png"));
        j.set("cat", List.of("b,4.png"));
        j.undo();
        LabelJournal again = LabelJournal.open(dir, IDS);
        assertThat(again.labels()).containsOnly(java.util.Map.entry("a/1.png", "cat"), java.util.Map.entry("a/2.png", "dog"));
        assertThat(again.counts()).containsEntry("cat", 1).containsEntry("dog", 1);
        again.undo();
        assertThat(LabelJournal.open(dir, IDS).labels()).containsEntry("a/2.png", "cat");
    }

    @Test
    void theCsvQuotesWhatNeedsIt() throws Exception {
        LabelJournal j = LabelJournal.open(dir, IDS);
        j.set("odd", List.of("b,4.png"));
        assertThat(Files.readAllLines(dir.resolve("labels.csv"))).containsExactly("path,label", "\"b,4.png\",odd");
    }

    @Test
    void refusesBadNamesAndUnknownIds() {
        LabelJournal j = LabelJournal.open(dir, IDS);
        for (String bad : List.of("a,b", "..", "x\ny", "\"q\"", " lead", "trail ", "-dash", "x".repeat(65))) {
            assertThatThrownBy(() -> j.set(bad, List.of("a/1.png"))).as(bad).isInstanceOf(UserError.class);
        }
        assertThatThrownBy(() -> j.set("ok", List.of("../../etc/passwd"))).isInstanceOf(UserError.class);
        assertThatThrownBy(j::undo).isInstanceOf(UserError.class).hasMessageContaining("nothing to undo");
        assertThat(j.labels()).isEmpty();
    }

    @Test
    void aTornLastLineIsDroppedAndTheJournalGoesOn() throws Exception {
        LabelJournal j = LabelJournal.open(dir, IDS);
        j.set("cat", List.of("a/1.png"));
        Files.writeString(dir.resolve(LabelJournal.JOURNAL), "{\"seq\":2,\"op\":\"set\",\"label\":\"do", StandardOpenOption.APPEND);
        LabelJournal again = LabelJournal.open(dir, IDS);
        assertThat(again.dropped()).isEqualTo(1);
        assertThat(again.labels()).containsOnly(java.util.Map.entry("a/1.png", "cat"));
        again.set("dog", List.of("a/2.png"));
        assertThat(Files.readAllLines(dir.resolve(LabelJournal.JOURNAL))).hasSize(2);
        assertThat(LabelJournal.open(dir, IDS).labels()).hasSize(2);
    }

    /** A child JVM labels as fast as it can and is killed with SIGKILL; the journal reloads with every acknowledged label. */
    @Test
    void killMinusNineLosesAtMostTheLabelBeingWritten() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) ids.add("img" + i);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        int acknowledged = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            acknowledged = Integer.parseInt(line.strip());
            if (acknowledged >= 40) break;
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(acknowledged).isGreaterThanOrEqualTo(40);
        LabelJournal j = LabelJournal.open(dir, ids);
        // Every label the writer printed as done is there; at most the one in flight is dropped.
        for (int i = 0; i <= acknowledged; i++) assertThat(j.labels()).containsEntry("img" + i, "L" + i);
        assertThat(j.dropped()).isLessThanOrEqualTo(1);
        j.set("after", List.of("img0"));
        assertThat(LabelJournal.open(dir, ids).labels()).containsEntry("img0", "after");
    }

    /** The child: labels img0, img1, ... one by one and prints each number once it is on disk. */
    static final class Writer {
        public static void main(String[] args) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) ids.add("img" + i);
            LabelJournal j = LabelJournal.open(Path.of(args[0]), ids);
            for (int i = 0; i < 100_000; i++) {
                j.set("L" + i, List.of("img" + i));
                System.out.println(i);
                System.out.flush();
            }
        }
    }
}
