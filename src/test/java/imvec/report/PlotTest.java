package imvec.report;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlotTest {
    @TempDir
    Path dir;

    @Test
    void scatterWritesPngOfTheRequestedSizeAndSvgWithTheLegend() throws Exception {
        Random random = new Random(1);
        double[][] xy = new double[300][2];
        int[] labels = new int[300];
        List<String> text = new ArrayList<>(Collections.nCopies(300, (String) null));
        for (int i = 0; i < 300; i++) {
            labels[i] = i % 4;
            xy[i][0] = random.nextGaussian() + 4 * labels[i];
            xy[i][1] = random.nextGaussian() - 2 * labels[i];
        }
        text.set(0, "centroid of sandal");
        List<Path> files = ScatterPlot.builder().setTitle("PCA of layer fc1").optAxisLabels("PC 1", "PC 2")
                .optClassNames(List.of("T-shirt", "Trouser", "Pullover", "Dress")).optPointLabels(text)
                .optSize(640, 480).build().save(dir.resolve("pca"), xy, labels);

        assertThat(files).containsExactly(dir.resolve("pca.png"), dir.resolve("pca.svg"));
        assertPng(files.get(0), 640, 480);
        String svg = assertSvg(files.get(1));
        assertThat(svg).startsWith("PCA of layer fc1\n").contains("T-shirt", "Trouser", "Pullover", "Dress", "PCA of layer fc1", "PC 1", "centroid of sandal");
        assertOnlyFiles("pca.png", "pca.svg");
        assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
    }

    @Test
    void thousandClassesDropTheLegendAndStillRender() throws Exception {
        Random random = new Random(2);
        double[][] xy = new double[5000][2];
        int[] labels = new int[5000];
        for (int i = 0; i < 5000; i++) {
            labels[i] = i % 1000;
            xy[i][0] = random.nextGaussian();
            xy[i][1] = random.nextGaussian();
        }
        ScatterPlot plot = ScatterPlot.builder().setTitle("ImageNet classes").build();
        var chart = plot.chart(xy, labels);
        assertThat(chart.getStyler().isLegendVisible()).isFalse();
        assertThat(chart.getStyler().getMarkerSize()).isLessThanOrEqualTo(3);
        assertThat(chart.getSeriesMap()).hasSize(Palette.QUALITATIVE.size());
        List<Path> files = plot.save(dir.resolve("imagenet.png"), xy, labels);
        assertPng(files.get(0), 900, 700);
        assertSvg(files.get(1));
    }

    @Test
    void svgDescriptionIsEscaped() throws Exception {
        List<Path> files = ScatterPlot.builder().setTitle("cats & <dogs>").optClassNames(List.of("a\"b", "c&d"))
                .build().save(dir.resolve("esc"), new double[][]{{0, 0}, {1, 1}}, new int[]{0, 1});
        assertThat(assertSvg(files.get(1))).contains("cats & <dogs>", "a\"b", "c&d");
    }

    @Test
    void paletteIsDistinctForTwentyAndCycles() {
        assertThat(Palette.QUALITATIVE).hasSize(20).doesNotHaveDuplicates();
        assertThat(Palette.color(20)).isEqualTo(Palette.color(0));
        assertThat(Palette.color(-1)).isEqualTo(Palette.color(19));
    }

    @Test
    void lineWritesCategoryTicksReferenceAndMarks() throws Exception {
        List<String> layers = List.of("conv1", "conv_pw_1", "conv_pw_2", "conv_pw_3", "conv_pw_4", "conv_pw_5",
                "conv_pw_6", "conv_pw_7", "pool", "logits");
        double[] twoVsTwo = {0.52, 0.55, 0.58, 0.61, 0.63, 0.66, 0.7, 0.72, 0.74, 0.71};
        double[] silhouette = {0.01, 0.02, 0.02, 0.04, 0.06, 0.09, 0.12, 0.15, 0.2, 0.24};
        List<Path> files = LinePlot.builder().setTitle("per-layer scores").setCategories(layers)
                .addSeries("2-vs-2 accuracy", twoVsTwo).addSeries("silhouette", silhouette)
                .optAxisLabels("layer", "score").optReferenceLine(0.5, "chance").optMark(8, 0.74, "best")
                .optYRange(0, 1).optSize(800, 500).build().save(dir.resolve("layers"));
        assertPng(files.get(0), 800, 500);
        String svg = assertSvg(files.get(1));
        assertThat(svg).contains("2-vs-2 accuracy", "silhouette", "chance", "best", "per-layer scores");
        for (String layer : layers) assertThat(svg).contains(layer);
    }

    @Test
    void rejectsMismatchedInput() {
        ScatterPlot plot = ScatterPlot.builder().setTitle("t").build();
        assertThatThrownBy(() -> plot.chart(new double[][]{{0, 0}, {1, 1}}, new int[]{0}))
                .isInstanceOf(UserError.class).hasMessageContaining("2 points but 1 labels");
        assertThatThrownBy(() -> plot.chart(new double[][]{{0, Double.NaN}}, new int[]{0}))
                .isInstanceOf(UserError.class).hasMessageContaining("point 0");
        assertThatThrownBy(() -> LinePlot.builder().setTitle("t").setCategories(List.of("a", "b"))
                .addSeries("s", new double[]{1}).build())
                .isInstanceOf(UserError.class).hasMessageContaining("1 values for 2 categories");
    }

    private static void assertPng(Path file, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
    }

    /**
     * Parses the SVG as XML (without fetching its DTD) and returns the text of its title and
     * description, the only real text in it: XChart draws glyphs as outlines.
     */
    private static String assertSvg(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("path").getLength()).isPositive();
        return doc.getElementsByTagName("title").item(0).getTextContent() + "\n"
                + doc.getElementsByTagName("desc").item(0).getTextContent();
    }

    private void assertOnlyFiles(String... names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }
}
