package imvec.onnx;

import imvec.data.Images;
import imvec.data.Preprocess;
import imvec.data.UnreadableImageException;
import imvec.model.ModelCard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The shared real data the ONNX tests run on; tests skip when it is not on this machine. */
public final class OnnxFixtures {
    public static final String MOBILENET = "imagenet-models/mobilenet-v1-0.75-224.onnx";
    public static final String SAMPLES = "imagenet-sample-images";

    private OnnxFixtures() {
    }

    /** {@code -Dimvec.shared}, else {@code ../shared} from the working directory, else {@code /work/shared}. */
    public static Path shared() {
        String property = System.getProperty("imvec.shared");
        if (property != null) return Path.of(property);
        Path sibling = Path.of("..", "shared");
        return Files.isDirectory(sibling) ? sibling : Path.of("/work/shared");
    }

    /** A file under the shared {@code data/} folder; skips the test when it is missing. */
    public static Path data(String relative) {
        Path path = shared().resolve("data").resolve(relative);
        assumeTrue(Files.exists(path), "shared data " + path + " is not on this machine (set -Dimvec.shared)");
        return path;
    }

    /** MobileNet's preprocessing as its SOURCE.txt states it: stretch to 224², x/127.5 − 1. */
    public static ModelCard mobilenetCard() {
        return new ModelCard("input", 3, 224, 224, "stretch", new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.5f, 0.5f, 0.5f}, null, null, "probabilities", "global_average_pooling2d_1",
                "MIT / Apache-2.0", "keras.applications.MobileNet alpha 0.75 via tfjs", "asymmetric");
    }

    /** The sample images in name order (name = {@code <synset>_<label>.JPEG}). */
    public static List<Path> sampleImages() throws IOException {
        try (Stream<Path> files = Files.list(data(SAMPLES))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().toList();
        }
    }

    public static Preprocess mobilenetPreprocess(Preprocess.Sampling sampling) {
        return Preprocess.builder().setSize(224, 224).setChannels(3).optResize(Preprocess.Resize.STRETCH)
                .optSampling(sampling).optMean(0.5f).optStd(0.5f).build();
    }

    /** Decodes and preprocesses {@code images} into one NCHW batch. */
    public static float[] batch(List<Path> images, Preprocess preprocess) throws IOException, UnreadableImageException {
        float[] out = new float[images.size() * preprocess.size()];
        for (int i = 0; i < images.size(); i++) {
            Path p = images.get(i);
            preprocess.apply(Images.decode(Files.readAllBytes(p), p.getFileName().toString()), out, i * preprocess.size());
        }
        return out;
    }
}
