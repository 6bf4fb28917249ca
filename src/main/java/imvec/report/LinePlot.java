package imvec.report;

import imvec.util.UserError;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Curves over named categories, e.g. a score per layer, with every category name on the x axis
 * (an XChart category chart: its numeric axes skip or drop labels once there are a dozen layers). Optional horizontal reference line (chance level) and marked
 * points (the best layer). Saved as PNG and SVG.
 */
public final class LinePlot {
    static {
        Charts.init();
    }

    /** XChart maps annotation x on a category axis to the left edge of the category's slot. */
    private static final double CATEGORY_CENTRE = 0.5;

    /** A point to call out, with its text. */
    public record Mark(int index, double value, String label) {
    }

    private final String title;
    private final List<String> categories;
    private final Map<String, double[]> series;
    private final String xLabel;
    private final String yLabel;
    private final Double reference;
    private final String referenceLabel;
    private final List<Mark> marks;
    private final Double yMin;
    private final Double yMax;
    private final int width;
    private final int height;

    private LinePlot(Builder b) {
        this.title = b.title;
        this.categories = b.categories;
        this.series = b.series;
        this.xLabel = b.xLabel;
        this.yLabel = b.yLabel;
        this.reference = b.reference;
        this.referenceLabel = b.referenceLabel;
        this.marks = b.marks;
        this.yMin = b.yMin;
        this.yMax = b.yMax;
        this.width = b.width;
        this.height = b.height;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String title;
        private List<String> categories;
        private final Map<String, double[]> series = new LinkedHashMap<>();
        private String xLabel = "layer";
        private String yLabel = "";
        private Double reference;
        private String referenceLabel;
        private final List<Mark> marks = new ArrayList<>();
        private Double yMin;
        private Double yMax;
        private int width = 900;
        private int height = 600;

        private Builder() {
        }

        /** The chart title (required). */
        public Builder setTitle(String title) {
            this.title = title;
            return this;
        }

        /** Category names along x, e.g. layer names (required). */
        public Builder setCategories(List<String> names) {
            this.categories = List.copyOf(names);
            return this;
        }

        /** A curve with one value per category; NaN leaves a gap. */
        public Builder addSeries(String name, double[] values) {
            if (series.containsKey(name)) throw new UserError("line plot already has a series named '" + name + "'.");
            series.put(name, values.clone());
            return this;
        }

        /** Axis titles (default "layer" and none). */
        public Builder optAxisLabels(String x, String y) {
            this.xLabel = x;
            this.yLabel = y;
            return this;
        }

        /** A dashed horizontal line at {@code y}, e.g. 0.5 for chance in a 2-vs-2 test. */
        public Builder optReferenceLine(double y, String label) {
            this.reference = y;
            this.referenceLabel = label;
            return this;
        }

        /** Calls out the point at category {@code index} and height {@code value} with text. */
        public Builder optMark(int index, double value, String label) {
            marks.add(new Mark(index, value, label));
            return this;
        }

        /** Fixes the y range instead of fitting it to the data. */
        public Builder optYRange(double min, double max) {
            this.yMin = min;
            this.yMax = max;
            return this;
        }

        /** Image size in pixels (default 900 × 600). */
        public Builder optSize(int width, int height) {
            if (width < 100 || height < 100) throw new UserError("plot size must be at least 100×100; got " + width + "×" + height + ".");
            this.width = width;
            this.height = height;
            return this;
        }

        public LinePlot build() {
            if (title == null || categories == null) throw new IllegalStateException("LinePlot needs setTitle and setCategories");
            if (categories.isEmpty()) throw new UserError("line plot '" + title + "' has no categories.");
            if (series.isEmpty()) throw new UserError("line plot '" + title + "' has no series.");
            series.forEach((name, v) -> {
                if (v.length != categories.size()) {
                    throw new UserError("series '" + name + "' has " + v.length + " values for " + categories.size() + " categories.");
                }
            });
            for (Mark m : marks) {
                if (m.index() < 0 || m.index() >= categories.size()) {
                    throw new UserError("mark '" + m.label() + "' is at category " + m.index() + ", outside 0.." + (categories.size() - 1) + ".");
                }
            }
            return new LinePlot(this);
        }
    }

    /** Writes {@code stem.png} and {@code stem.svg} and returns them. */
    public List<Path> save(Path stem) throws IOException {
        return Charts.save(chart(), stem, title, description());
    }

    /** Plain-text summary for the SVG: categories, series, reference line and marks. */
    String description() {
        StringBuilder d = new StringBuilder("Line plot of ").append(String.join(", ", series.keySet()))
                .append(yLabel.isEmpty() ? "" : " (" + yLabel + ")").append(" over ").append(xLabel).append(": ")
                .append(String.join(", ", categories)).append('.');
        if (reference != null) {
            d.append(" Reference line at ").append(reference).append(referenceLabel == null ? "" : " (" + referenceLabel + ")").append('.');
        }
        for (Mark m : marks) d.append(" Marked: ").append(m.label()).append(" at ").append(categories.get(m.index())).append('.');
        return d.toString();
    }

    public CategoryChart chart() {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var s = chart.getStyler();
        Charts.style(s);
        s.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        // Series share each category's slot instead of standing side by side like bars.
        s.setOverlapped(true);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setMarkerSize(7);
        s.setYAxisMin(yMin);
        s.setYAxisMax(yMax);
        if (categories.size() > 6) s.setXAxisLabelRotation(45);
        int c = 0;
        for (var e : series.entrySet()) {
            CategorySeries line = chart.addSeries(e.getKey(), categories, boxed(e.getValue()));
            line.setLineColor(Palette.color(c));
            line.setMarkerColor(Palette.color(c));
            line.setMarker(SeriesMarkers.CIRCLE);
            c++;
        }
        if (reference != null) addReference(chart);
        if (!marks.isEmpty()) addMarks(chart);
        return chart;
    }

    /** XChart's category series take lists; NaN stays NaN and draws as a gap. */
    private static List<Double> boxed(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double d : v) out.add(d);
        return out;
    }

    private void addReference(CategoryChart chart) {
        var s = chart.getStyler();
        s.setAnnotationLineColor(new Color(0x888888));
        s.setAnnotationLineStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        chart.addAnnotation(new AnnotationLine(reference, false, false));
        if (referenceLabel != null && !referenceLabel.isEmpty()) {
            chart.addAnnotation(new AnnotationText(referenceLabel, categories.size() - 1 + CATEGORY_CENTRE, reference + liftFor() / 2, false));
        }
    }

    private void addMarks(CategoryChart chart) {
        List<Double> y = new ArrayList<>(java.util.Collections.nCopies(categories.size(), Double.NaN));
        for (Mark m : marks) y.set(m.index(), m.value());
        CategorySeries points = chart.addSeries(" marked", categories, y);
        points.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.DIAMOND);
        points.setMarkerColor(Color.BLACK);
        points.setShowInLegend(false);
        double lift = liftFor();
        for (Mark m : marks) {
            if (m.label() != null && !m.label().isEmpty()) {
                chart.addAnnotation(new AnnotationText(m.label(), m.index() + CATEGORY_CENTRE, m.value() + lift, false));
            }
        }
    }

    /** A small vertical offset in data units so mark text clears its marker. */
    private double liftFor() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] v : series.values()) {
            for (double y : v) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (yMin != null && yMax != null) {
            lo = yMin;
            hi = yMax;
        }
        return (hi > lo ? hi - lo : 1) * 0.04;
    }
}
