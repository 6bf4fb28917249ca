package imvec.onnx;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.Preprocess;
import imvec.model.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MobileNet through our decoding, preprocessing and tapped ONNX Runtime session agrees with the
 * reference (the original tfjs model, tfjs bilinear resize) on the 1000 ImageNet sample images.
 */
class OnnxGoldenTest {
    private static final int BATCH = 50;

    /** Top-1 synset per image name as the golden file lists it. */
    static Map<String, String> goldenTop1() throws IOException {
        Path golden = OnnxFixtures.data("imagenet-models/mobilenet-v1-0.75-224.top5-on-imagenet-sample-images.json");
        Map<String, List<List<Object>>> top5 = new ObjectMapper().readValue(golden.toFile(), new TypeReference<>() { });
        Map<String, String> top1 = new java.util.HashMap<>();
        top5.forEach((image, ranked) -> top1.put(image, (String) ranked.get(0).get(0)));
        return top1;
    }

    /** Synsets in output order: the model's classes are the sorted synsets. */
    static List<String> synsets() throws IOException {
        return Files.readAllLines(OnnxFixtures.data("imagenet-labels/imagenet1k_sorted_order.tsv")).stream()
                .skip(1).filter(line -> !line.isBlank()).map(line -> line.split("\t")[1]).toList();
    }

    /** Our top-1 synset for every sample image, in {@link OnnxFixtures#sampleImages()} order. */
    static List<String> top1(OnnxBackbone mobilenet, List<Path> images, Preprocess preprocess) throws Exception {
        List<String> synsets = synsets();
        List<String> out = new java.util.ArrayList<>();
        for (int from = 0; from < images.size(); from += BATCH) {
            List<Path> batch = images.subList(from, Math.min(images.size(), from + BATCH));
            Tensor p = mobilenet.forward(OnnxFixtures.batch(batch, preprocess), batch.size(), List.of("probabilities"))
                    .get("probabilities");
            for (int i = 0; i < batch.size(); i++) out.add(synsets.get(argmax(p.data(), i * 1000, 1000)));
        }
        return out;
    }

    @Test
    void top1AgreesWithTheReferenceOnTheSampleImages() throws Exception {
        Map<String, String> golden = goldenTop1();
        List<Path> images = OnnxFixtures.sampleImages();
        assertThat(images).hasSize(1000);
        List<String> ours;
        try (OnnxBackbone mobilenet = OnnxBackbone.open(OnnxFixtures.data(OnnxFixtures.MOBILENET), OnnxFixtures.mobilenetCard())) {
            ours = top1(mobilenet, images, OnnxFixtures.mobilenetPreprocess(Preprocess.Sampling.ASYMMETRIC));
        }
        int agree = 0, correct = 0;
        for (int i = 0; i < images.size(); i++) {
            String name = images.get(i).getFileName().toString();
            if (ours.get(i).equals(golden.get(name))) agree++;
            if (name.startsWith(ours.get(i) + "_")) correct++;
        }
        System.out.printf(Locale.ROOT, "MobileNet v1 0.75 on %d sample images: top-1 agreement with reference %.3f, "
                + "top-1 accuracy %.3f (reference 0.841)%n", images.size(), agree / 1000.0, correct / 1000.0);
        assertThat(agree).isGreaterThanOrEqualTo(950);
    }

    static int argmax(float[] v, int from, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) if (v[from + k] > v[from + best]) best = k;
        return best;
    }
}
