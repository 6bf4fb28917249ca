package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import imvec.data.Preprocess;
import imvec.finetune.TrainableTail;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.OnnxFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MobileNet's last pointwise block (imported after {@code conv_dw_13_relu}) under a spatial head,
 * on the start tensors of real ImageNet photos: the tail's gradients from the one backward pass
 * of a training step against finite differences of the same loss (skips without the shared data).
 */
class TailTuningTest {
    private static final String FROM = "conv_dw_13_relu", TAP = "conv_pw_13_relu";
    private static final int IMAGES = 2, LABELS = 3, DIMS = 8;

    @Test
    void tailGradientsMatchFiniteDifferences() throws Exception {
        Path model = OnnxFixtures.data(OnnxFixtures.MOBILENET);
        List<Path> all = OnnxFixtures.sampleImages();
        float[] pixels = OnnxFixtures.batch(List.of(all.get(101), all.get(707)), OnnxFixtures.mobilenetPreprocess(Preprocess.Sampling.ASYMMETRIC));
        try (OnnxBackbone base = OnnxBackbone.open(model, OnnxFixtures.mobilenetCard());
             TrainableTail tail = TrainableTail.of(base, FROM, TAP);
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            assertThat(tail.trainableParameters()).containsExactly("conv_pw_13/W", "conv_pw_13_bn/gamma", "conv_pw_13_bn/beta");
            Tensor start = base.forward(pixels, IMAGES, List.of(FROM)).get(FROM);
            CosineMapHead head = CosineMapHead.create((int) tail.outputItem()[0], 2, DIMS, 4, 5);
            Random r = new Random(3);
            float[] labels = new float[IMAGES * LABELS * DIMS];
            for (int i = 0; i < labels.length; i++) labels[i] = (float) r.nextGaussian();
            float[] targets = {1, 0, 0, 0, 1, 0};
            Batch batch = new Batch(manager, start, labels, targets);

            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                SpatialTraining.backwardThroughTail(collector, tail, batch.start(), x -> loss(head, batch, x));
            }
            List<float[]> gradients = tail.gradients();
            List<float[]> weights = tail.weights();
            for (int p = 0; p < gradients.size(); p++) {
                float[] g = gradients.get(p), w = weights.get(p);
                assertThat(norm(g)).as("gradient of %s", tail.trainableParameters().get(p)).isGreaterThan(1e-6);
                // Along the gradient itself: a wrong gradient (scaled, or off in some entries) gives a
                // different slope there than the loss has.
                float[] direction = g.clone();
                double n = norm(g);
                for (int i = 0; i < direction.length; i++) direction[i] /= (float) n;
                double slope = central(tail, head, batch, p, w, direction, 1e-3);
                assertThat(slope).as("slope along the gradient of %s", tail.trainableParameters().get(p))
                        .isCloseTo(n, org.assertj.core.data.Percentage.withPercentage(1));
                // And entry by entry, at the largest entries.
                for (int i : largest(g, 2)) {
                    float[] unit = new float[w.length];
                    unit[i] = 1;
                    double d = central(tail, head, batch, p, w, unit, 1e-3);
                    assertThat(d).as("∂loss/∂%s[%d]", tail.trainableParameters().get(p), i)
                            .isCloseTo(g[i], org.assertj.core.data.Offset.offset(0.02 * Math.abs(g[i]) + 1e-6));
                }
                tail.set(p, w);
            }
            // An update leaves the gradients at zero: PyTorch adds each backward pass to them.
            tail.update(ai.djl.training.optimizer.Optimizer.sgd().setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0f)).build());
            for (float[] g : tail.gradients()) assertThat(norm(g)).isZero();
            assertThat(tail.weights().get(0)).containsExactly(weights.get(0));
        }
    }

    /** The arrays of one training step: start tensors (float32, as the tail takes them), label vectors and targets (float64). */
    private record Batch(NDArray start, NDArray labels, NDArray targets) {
        Batch(NDManager m, Tensor start, float[] labels, float[] targets) {
            this(m.create(start.data(), new Shape(start.shape())),
                    Head.unit(m.create(Heads.toDoubles(labels), new Shape(IMAGES, LABELS, DIMS)), 2),
                    m.create(Heads.toDoubles(targets), new Shape(IMAGES, LABELS)));
        }
    }

    /** The loss a training step takes: tail, its output in the head's float64, head, binary cross-entropy. */
    private static NDArray loss(TrainableTail tail, CosineMapHead head, Batch b) {
        return loss(head, b, SpatialTraining.headInput(tail.forward(b.start().getManager(), b.start())));
    }

    private static NDArray loss(CosineMapHead head, Batch b, NDArray tap) {
        NDManager m = b.start().getManager();
        return SpatialTraining.binaryCrossEntropy(head.forward(Heads.arrays(m, head.params(), true, false), tap, b.labels()).logits(), b.targets());
    }

    /** (loss(w + εd) − loss(w − εd)) / 2ε for parameter {@code p}. */
    private static double central(TrainableTail tail, CosineMapHead head, Batch b, int p, float[] w, float[] d, double eps) {
        tail.set(p, shifted(w, d, eps));
        double plus = loss(tail, head, b).getDouble();
        tail.set(p, shifted(w, d, -eps));
        double minus = loss(tail, head, b).getDouble();
        tail.set(p, w);
        return (plus - minus) / (2 * eps);
    }

    private static float[] shifted(float[] w, float[] d, double eps) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) out[i] = (float) (w[i] + eps * d[i]);
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    private static int[] largest(float[] g, int k) {
        return java.util.stream.IntStream.range(0, g.length).boxed()
                .sorted((a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a]))).limit(k).mapToInt(Integer::intValue).toArray();
    }
}
