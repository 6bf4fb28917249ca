package imvec.report;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A square named matrix (e.g. cosine similarities between classes) as a heat map with the value in
 * each cell, saved as PNG and SVG. The colour scale runs from −1 (blue) through 0 (white) to 1 (red).
 */
public final class HeatMap {
    static {
        Charts.init();
    }

    private HeatMap() {
    }

    /** Writes {@code stem.png} and {@code stem.svg}; values outside [−1, 1] are drawn at the ends of the scale. */
    public static List<Path> save(Path stem, String title, List<String> names, double[][] m) throws IOException {
        int n = names.size();
        if (m.length != n) throw new IllegalArgumentException(n + " names for a " + m.length + "-row matrix");
        int cell = n <= 12 ? 60 : n <= 40 ? 22 : 8;
        int side = Math.max(500, Math.min(4000, 220 + cell * n));
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 120).height(side).title(title).build();
        var s = chart.getStyler();
        Charts.style(s);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setRangeColors(new Color[]{new Color(0x2166ac), Color.WHITE, new Color(0xb2182b)});
        s.setMin(-1);
        s.setMax(1);
        s.setShowValue(n <= 20);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, n <= 12 ? 12 : 9));
        s.setHeatMapValueDecimalPattern("0.00");
        s.setXAxisLabelRotation(45);
        s.setPlotGridLinesVisible(false);
        List<Number[]> cells = new ArrayList<>();
        // Row 0 at the top, as in a table.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) cells.add(new Number[]{j, n - 1 - i, Math.max(-1, Math.min(1, m[i][j]))});
        }
        List<String> y = new ArrayList<>(names);
        java.util.Collections.reverse(y);
        chart.addSeries("cosine", names, y, cells);
        StringBuilder d = new StringBuilder("Heat map of a " + n + " × " + n + " matrix over: ").append(String.join(", ", names)).append('.');
        if (n <= 20) {
            for (int i = 0; i < n; i++) {
                d.append(' ').append(names.get(i)).append(':');
                for (int j = 0; j < n; j++) d.append(String.format(Locale.ROOT, " %.2f", m[i][j]));
                d.append(';');
            }
        }
        return Charts.save(chart, stem, title, d.toString());
    }
}
