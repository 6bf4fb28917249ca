package imvec.classvec;

import imvec.data.DataSpecs;
import imvec.data.FashionMnist;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.store.LabelledMatrix;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Known structure of real Fashion-MNIST in class vectors (skipped when the Debian package is absent). */
class FashionMnistClassVectorsTest {
    static final Set<String> FOOTWEAR = Set.of("Sandal", "Sneaker", "Ankle boot");

    @Test
    void theNearestPixelCentroidOfEachFootwearClassIsFootwear() {
        assumeTrue(Files.isRegularFile(FashionMnist.DEBIAN_DIR.resolve(FashionMnist.TEST_IMAGES.gzName())),
                "Fashion-MNIST is not installed in " + FashionMnist.DEBIAN_DIR + " (apt-get install -y dataset-fashion-mnist); skipping");
        ImageSet test = DataSpecs.open("fashion-mnist:test", null);
        ImageTensors t = ImageTensors.load(test, Im2VecJob.unitPreprocess(test), null);
        float[][] rows = new float[t.n()][];
        for (int i = 0; i < t.n(); i++) rows[i] = java.util.Arrays.copyOfRange(t.x(), i * t.size(), (i + 1) * t.size());
        Centroids.Result c = Centroids.of(new LabelledMatrix(rows, t.y(), test.classes(), "fashion-mnist:test"), false);
        CosineTable table = CosineTable.of(c.vectors());
        List<String> names = c.vectors().names();
        for (int i = 0; i < names.size(); i++) {
            if (!FOOTWEAR.contains(names.get(i))) continue;
            assertThat(FOOTWEAR).as("nearest centroid of " + names.get(i)).contains(table.nearest(i).name());
        }
    }
}
