package imvec.cli;

import imvec.explore.LabelJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Labels given in the explorer feed back into other commands as {@code --labels RUN/labels.csv},
 * for a run of any data set (here an IDX pair, whose images have ids, not paths), not only folders.
 */
class ExplorerLabelsFeedBackTest {
    @TempDir
    Path dir;

    private static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    /** Twelve 4×4 grey images in three classes, ids {@code img.idx:0} … {@code img.idx:11}. */
    private String idxSpec() throws IOException {
        int n = 12;
        byte[] pixels = new byte[n * 16];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) labels[i] = (byte) (i % 3);
        Path images = Files.write(dir.resolve("img.idx"), idx(new int[] {n, 4, 4}, pixels));
        Path lab = Files.write(dir.resolve("lab.idx"), idx(new int[] {n}, labels));
        return "idx:" + images + "," + lab;
    }

    private Path labelInTheExplorer() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) ids.add("img.idx:" + i);
        Path run = dir.resolve("run");
        LabelJournal journal = LabelJournal.open(run, ids);
        journal.set("long sleeve", List.of("img.idx:3", "img.idx:7"));
        journal.set("plain", List.of("img.idx:1", "img.idx:2", "img.idx:5"));
        journal.set("collar", List.of("img.idx:9"));
        return journal.csvFile();
    }

    @Test
    void aClassSplitOfAnIdxSetTakesTheExplorersLabelsAndRecordsThem() throws IOException {
        String spec = idxSpec();
        Path csv = labelInTheExplorer();
        Path out = dir.resolve("split");

        Cli.Outcome o = Cli.run("scenes", "split", "--data", spec, "--labels", csv.toString(), "--unseen", "1", "--out", out.toString());

        Cli.check("scenes split", o);
        List<String> seen = Files.readAllLines(out.resolve("seen.txt"), StandardCharsets.UTF_8);
        List<String> unseen = Files.readAllLines(out.resolve("unseen.txt"), StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(seen);
        all.addAll(unseen);
        assertThat(all).containsExactlyInAnyOrder("collar", "long sleeve", "plain");
        String provenance = Files.readString(out.resolve("split.json"), StandardCharsets.UTF_8);
        assertThat(provenance).contains("#labels=").contains("labels.csv");
    }

    @Test
    void trainingOnRelabelledDataAsksForItsTestSetInOneSentence() throws IOException {
        String spec = idxSpec();
        Path csv = labelInTheExplorer();

        Cli.Outcome o = Cli.run("train", "--data", spec, "--labels", csv.toString(), "--out", dir.resolve("m").toString());

        assertThat(o.exit()).isNotZero();
        assertThat(o.err()).contains("--test").doesNotContain("Exception");
        assertThat(dir.resolve("m")).doesNotExist();
    }
}
