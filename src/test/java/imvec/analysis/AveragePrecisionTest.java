package imvec.analysis;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AveragePrecisionTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void aHandComputedRankingWithATie() {
        // Ranked: 0.9 (pos), 0.8 (neg), 0.7 & 0.7 tied (pos, neg), 0.1 (pos).
        float[] s = {0.9f, 0.8f, 0.7f, 0.7f, 0.1f};
        boolean[] t = {true, false, true, false, true};
        // Thresholds: 0.9 → R 1/3, P 1; 0.8 → R 1/3; 0.7 → R 2/3, P 2/4; 0.1 → R 1, P 3/5.
        double expected = 1.0 / 3 * 1 + 1.0 / 3 * 0.5 + 1.0 / 3 * 0.6;
        assertThat(AveragePrecision.of(s, t)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void aLabelWithoutPositivesIsLeftOutOfTheMean() {
        float[][] scores = {{0.9f, 0.2f}, {0.1f, 0.3f}};
        boolean[][] truth = {{true, false}, {false, false}};
        AveragePrecision.Result r = AveragePrecision.mean(scores, truth, new int[] {0, 1});
        assertThat(r.mean()).isEqualTo(1.0);
        assertThat(r.labelsWithoutPositives()).isEqualTo(1);
        assertThat(r.perLabel()[1]).isNaN();
    }

    @Test
    void meanAveragePrecisionMatchesScikitLearn() throws Exception {
        boolean ok = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import sklearn").start().waitFor() == 0;
        Assumptions.assumeTrue(ok, "scikit-learn not available at /usr/bin/python3; skipping the reference check");
        Random random = new Random(7);
        int n = 60, l = 6;
        float[][] scores = new float[n][l];
        boolean[][] truth = new boolean[n][l];
        StringBuilder y = new StringBuilder(), s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < l; c++) {
                // Coarse scores so that ties occur, and a signal so the APs differ from chance.
                truth[i][c] = random.nextDouble() < 0.3;
                scores[i][c] = Math.round((random.nextDouble() + (truth[i][c] ? 0.4 : 0)) * 10) / 10f;
                y.append(truth[i][c] ? 1 : 0).append(c < l - 1 ? "," : "\n");
                s.append(String.format(Locale.ROOT, "%.1f", scores[i][c])).append(c < l - 1 ? "," : "\n");
            }
        }
        Path dir = Files.createTempDirectory("ap");
        Files.writeString(dir.resolve("y.csv"), y.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("s.csv"), s.toString(), StandardCharsets.UTF_8);
        String script = "import numpy as np, sys\nfrom sklearn.metrics import average_precision_score\n"
                + "y=np.loadtxt(sys.argv[1]+'/y.csv',delimiter=',');s=np.loadtxt(sys.argv[1]+'/s.csv',delimiter=',')\n"
                + "print(' '.join(repr(average_precision_score(y[:,c],s[:,c])) for c in range(y.shape[1])))\n"
                + "print(repr(average_precision_score(y,s,average='macro')))";
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, dir.toString()).redirectErrorStream(true).start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
        assertThat(p.waitFor()).as(String.join("\n", out)).isZero();
        String[] perLabel = out[out.length - 2].trim().split(" ");
        AveragePrecision.Result r = AveragePrecision.mean(scores, truth, new int[] {0, 1, 2, 3, 4, 5});
        for (int c = 0; c < l; c++) assertThat(r.perLabel()[c]).isCloseTo(Double.parseDouble(perLabel[c]), within(1e-9));
        assertThat(r.mean()).isCloseTo(Double.parseDouble(out[out.length - 1].trim()), within(1e-9));
        assertThat(r.mean()).isGreaterThan(0.4).isLessThan(1.0);
    }

    @Test
    void hitAtKRanksAmongTheChosenColumnsAndCountsTiesAgainst() {
        float[][] scores = {{0.9f, 0.8f, 0.1f}, {0.5f, 0.5f, 0.4f}, {0.2f, 0.3f, 0.9f}};
        int[] truth = {1, 1, 2};
        // Image 0: label 1 is second overall but first among columns {1, 2}.
        assertThat(AveragePrecision.hitAtK(scores, truth, new int[] {1, 2}, 1)).isEqualTo(1.0);
        // Among all columns: image 0 ranks 2nd, image 1 ties with column 0 (counts against), image 2 first.
        assertThat(AveragePrecision.hitAtK(scores, truth, new int[] {0, 1, 2}, 1)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(AveragePrecision.hitAtK(scores, truth, new int[] {0, 1, 2}, 2)).isEqualTo(1.0);
    }
}
