package imvec.report;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfusionPlotTest {
    @Test
    void shadesFollowTheRowShare() {
        assertThat(ConfusionPlot.shade(0)).isEqualTo(Color.WHITE);
        Color half = ConfusionPlot.shade(0.5);
        Color full = ConfusionPlot.shade(1);
        assertThat(half.getRed()).isBetween(full.getRed(), 255);
        assertThat(full.getRed() + full.getGreen() + full.getBlue()).isLessThan(half.getRed() + half.getGreen() + half.getBlue());
    }

    @Test
    void drawsOneCellPerPairAndScalesToManyClasses() {
        long[][] c = {{9, 1}, {0, 10}};
        BufferedImage img = ConfusionPlot.draw(c, List.of("cat", "dog"), "t");
        assertThat(img.getWidth()).isGreaterThan(2 * 40);
        long[][] big = new long[100][100];
        for (int i = 0; i < 100; i++) big[i][i] = 1;
        BufferedImage many = ConfusionPlot.draw(big, java.util.stream.IntStream.range(0, 100).mapToObj(i -> "c" + i).toList(), "t");
        assertThat(many.getWidth()).isLessThan(1400);
    }
}
