package imvec.finetune;

import imvec.model.EpochStats;
import imvec.model.ProgressListener;
import imvec.model.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Fine-tuning an imported tail on a tiny graph: what trains, what stays, and what the table reports. */
class FineTuningTest {
    private static final long[] ITEM = {4, 6, 6};

    @TempDir
    Path dir;

    /** Class k brightens channel k (k < 3) over noise, so features can separate the classes. */
    private static FineTuning.Rows rows(int n, int seed) {
        Random r = new Random(seed);
        int per = 4 * 36;
        float[] x = new float[n * per];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < per; j++) x[i * per + j] = (float) r.nextGaussian() + (j / 36 == y[i] ? 1.5f : 0f);
        }
        return new FineTuning.Rows(x, ITEM, y, n);
    }

    private ImportedBlock tail() {
        Path model = OnnxImportTest.writeModel(dir, "head.onnx", OnnxImportTest.classifierHead().graph());
        return OnnxImport.builder().setModel(model).setFrom("x").optOutputs(List.of("flat")).build();
    }

    private static float[] values(ImportedBlock b, String name) {
        return b.getParameters().get(name).getArray().toFloatArray();
    }

    @Test
    void tuningChangesWeightsButNeverTheBatchNormStatistics() {
        FineTuning ft = FineTuning.builder().optEpochs(3).optHeadEpochs(3).optLearningRate(1e-2f).optBatchSize(8)
                .optProbeEpochs(3).optTsneIterations(100).build();
        try (FineTuning.Tuned tuned = ft.newNet(tail(), 3)) {
            FineTuning.Result r = ft.run(tuned, rows(48, 1), rows(24, 2), ProgressListener.NONE);
            float[] mean = values(tuned.tail(), "bn_mean");
            ImportedBlock fresh = tail();
            try (ImportedNet original = ImportedNet.of(fresh, ITEM)) {
                assertThat(mean).containsExactly(values(fresh, "bn_mean"));
                assertThat(values(tuned.tail(), "bn_var")).containsExactly(values(fresh, "bn_var"));
                assertThat(values(tuned.tail(), "c_w")).isNotEqualTo(values(fresh, "c_w"));
                assertThat(values(tuned.tail(), "bn_scale")).isNotEqualTo(values(fresh, "bn_scale"));
            }
            assertThat(r.headEpochs()).hasSize(3);
            assertThat(r.tuneEpochs()).hasSize(3);
            assertThat(r.featureDims()).isEqualTo(3);
            assertThat(r.trainRows()).isEqualTo(48);
            // 4·3·3·3 conv weights + 3 biases + 3 BN scales + 3 BN shifts.
            assertThat(r.trainableValues()).isEqualTo(108 + 3 + 6);
            assertThat(r.before().accuracy()).isBetween(0.0, 1.0);
            assertThat(r.after().silhouette()).isBetween(-1.0, 1.0);
            assertThat(r.after().pca3()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void theBeforeColumnMeasuresTheImportedTailsFeaturesAndTheProbeTrainsOnTheTrainingRows() {
        FineTuning ft = FineTuning.builder().optEpochs(2).optHeadEpochs(2).optLearningRate(1e-2f).optBatchSize(8)
                .optProbeEpochs(5).optTsneIterations(250).build();
        FineTuning.Rows test = rows(30, 8);
        FineTuning.Result r;
        try (FineTuning.Tuned tuned = ft.newNet(tail(), 3)) {
            r = ft.run(tuned, rows(45, 7), test, ProgressListener.NONE);
        }
        float[][] features;
        try (ImportedNet fresh = ImportedNet.of(tail(), ITEM)) {
            Tensor out = fresh.forward(new Tensor(new long[] {30, 4, 6, 6}, test.x())).get("flat");
            features = new float[30][];
            for (int i = 0; i < 30; i++) features[i] = java.util.Arrays.copyOfRange(out.data(), i * 3, i * 3 + 3);
        }
        imvec.analysis.Separation.Result before = r.before().separation();
        assertThat(before.silhouette()).isCloseTo(imvec.analysis.Silhouette.score(features, test.y()),
                org.assertj.core.data.Offset.offset(1e-5));
        for (imvec.analysis.Separation.Result s : List.of(before, r.after().separation())) {
            assertThat(s.probeTrainRows()).isEqualTo(45);
            assertThat(s.probeTestRows()).isEqualTo(30);
            assertThat(s.rows()).isEqualTo(30);
            assertThat(s.features()).isEqualTo(3);
            assertThat(s.probeAccuracy()).isBetween(0.0, 1.0);
            assertThat(s.probeLoss()).isPositive();
            // Three features: PCA-3 only rotates them, so the silhouette stays.
            assertThat(s.silhouettePca()).isCloseTo(s.silhouette(), org.assertj.core.data.Offset.offset(1e-4));
            assertThat(s.silhouetteTsne()).isBetween(-1.0, 1.0);
            assertThat(s.tsnePerplexity()).isLessThan(30);
        }
        String table = FineTuneJob.table(r);
        assertThat(table).contains("probe accuracy", "silhouette, PCA-3", "silhouette, t-SNE-3", "t-SNE-3 seconds");
        assertThat(table.lines().count()).isEqualTo(12);
    }

    @Test
    void tuningLowersTheTrainingLossAndFrozenBatchNormKeepsItsAffine() {
        FineTuning ft = FineTuning.builder().optEpochs(4).optHeadEpochs(1).optLearningRate(1e-2f).optBatchSize(8).optProbeEpochs(3).optTsneIterations(100)
                .optFreezeBatchNorm(true).build();
        try (FineTuning.Tuned tuned = ft.newNet(tail(), 3)) {
            FineTuning.Result r = ft.run(tuned, rows(48, 3), rows(24, 4), ProgressListener.NONE);
            List<EpochStats> epochs = r.tuneEpochs();
            assertThat(epochs.getLast().trainLoss()).isLessThan(epochs.getFirst().trainLoss());
            ImportedBlock fresh = tail();
            try (ImportedNet original = ImportedNet.of(fresh, ITEM)) {
                assertThat(values(tuned.tail(), "bn_scale")).containsExactly(values(fresh, "bn_scale"));
                assertThat(values(tuned.tail(), "bn_bias")).containsExactly(values(fresh, "bn_bias"));
                assertThat(values(tuned.tail(), "c_w")).isNotEqualTo(values(fresh, "c_w"));
            }
            assertThat(r.trainableValues()).isEqualTo(108 + 3);
        }
    }

    @Test
    void theSameSeedGivesTheSameTable() {
        FineTuning ft = FineTuning.builder().optEpochs(1).optHeadEpochs(2).optLearningRate(1e-2f).optBatchSize(8)
                .optThreads(1).optSeed(5).optProbeEpochs(3).optTsneIterations(100).build();
        FineTuning.Result a, b;
        try (FineTuning.Tuned tuned = ft.newNet(tail(), 3)) {
            a = ft.run(tuned, rows(30, 5), rows(15, 6), ProgressListener.NONE);
        }
        try (FineTuning.Tuned tuned = ft.newNet(tail(), 3)) {
            b = ft.run(tuned, rows(30, 5), rows(15, 6), ProgressListener.NONE);
        }
        // Everything but the wall-clock times repeats.
        assertThat(b.after()).usingRecursiveComparison().ignoringFieldsMatchingRegexes(".*[sS]econds.*").isEqualTo(a.after());
        assertThat(b.before()).usingRecursiveComparison().ignoringFieldsMatchingRegexes(".*[sS]econds.*").isEqualTo(a.before());
    }
}
