package imvec.report;

import imvec.analysis.MapSearch;
import imvec.data.Image;
import imvec.data.MultiLabelSet;
import imvec.spatial.Conse;
import imvec.spatial.Projection;
import imvec.spatial.Scores;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.StagedDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a user sees of a spatial model: projections of a collection along words and localisation overlays. */
public final class SpatialViews {
    private SpatialViews() {
    }

    /**
     * Scores {@code spec} against one or two words and writes {@code out/scores/} (the scores
     * directory), {@code out/scores.csv}, {@code out/projection.png} (a strip for one word, a
     * scatter for two) and {@code out/projection.json}.
     */
    public static Map<String, Object> project(Path model, String spec, Path words, Path names, List<String> axis,
                                              long seed, Path out) throws IOException {
        return removedOnFailure(out, () -> projectInto(model, spec, words, names, axis, seed, out));
    }

    private static Map<String, Object> projectInto(Path model, String spec, Path words, Path names, List<String> axis,
                                                   long seed, Path out) throws IOException {
        Files.createDirectories(out);
        Scores s = SpatialJob.score(model, spec, words, names, axis, out.resolve("scores"), d -> { });
        Projection.writeCsv(s, out.resolve("scores.csv"));
        double[][] at = Projection.positions(s, 0, axis.size() > 1 ? 1 : -1, seed);
        MultiLabelSet scenes = SpatialJob.openScenes(spec);
        place(out.resolve("projection.png"), scenes, at, "score of \"" + axis.get(0) + "\" (lowest → highest in this collection)",
                axis.size() > 1 ? "score of \"" + axis.get(1) + "\" (lowest → highest, up)" : "random spread (seed " + seed + ")",
                axis.size() > 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model.toAbsolutePath().toString());
        r.put("data", spec);
        r.put("words", axis);
        r.put("seed", seed);
        r.put("images", scenes.size());
        r.put("files", List.of("scores/", "scores.csv", "projection.png"));
        r.put("version", imvec.util.Version.get());
        AtomicFiles.writeString(out.resolve("projection.json"), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return r;
    }

    /**
     * Thumbnails of every image of {@code scenes} at {@code at} (in [0, 1]², as {@link Projection#positions}
     * gives them): a 1400×500 strip, or a 1400×1000 scatter when {@code scatter}.
     */
    static void place(Path png, MultiLabelSet scenes, double[][] at, String xAxis, String yAxis, boolean scatter) throws IOException {
        int thumb = scenes.size() > 400 ? 32 : 56;
        ThumbnailPlot.writeWithAxes(png, scenes::read, at, xAxis, yAxis, 1400, scatter ? 1000 : 500, thumb);
    }

    /** Heat-map overlays of sigmoid(map) for each word over the first {@code limit} images: {@code out/<n>-<word>.png}. */
    public static Map<String, Object> localise(Path model, String spec, Path words, Path names, List<String> labels,
                                               int limit, Path out) throws IOException {
        if (Conse.KIND.equals(SpatialRun.kind(model))) {
            throw new imvec.util.UserError(model + " is a ConSE model, which has no localisation maps; localise with a spatial or pooled model.");
        }
        return removedOnFailure(out, () -> localiseInto(model, spec, words, names, labels, limit, out));
    }

    private static Map<String, Object> localiseInto(Path model, String spec, Path words, Path names, List<String> labels,
                                                    int limit, Path out) throws IOException {
        Files.createDirectories(out);
        Scores s = SpatialJob.score(model, spec, words, names, labels, out.resolve("scores"), d -> { });
        MultiLabelSet scenes = SpatialJob.openScenes(spec);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, scenes.size()); i++) {
            Image img = scenes.read(i);
            for (int j = 0; j < labels.size(); j++) {
                float[] map = MapSearch.sigmoidInPlace(s.map(i, j));
                String name = String.format(java.util.Locale.ROOT, "%04d-%s.png", i, labels.get(j).replaceAll("[^A-Za-z0-9_-]", "_"));
                ThumbnailPlot.writeOverlay(out.resolve(name), img, map, s.height(), s.width(),
                        labels.get(j) + String.format(java.util.Locale.ROOT, " %.2f", s.score(i, j)));
                files.add(name);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model.toAbsolutePath().toString());
        r.put("data", spec);
        r.put("words", labels);
        r.put("overlays", files);
        r.put("version", imvec.util.Version.get());
        AtomicFiles.writeString(out.resolve("localise.json"), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return r;
    }

    private interface Writing {
        Map<String, Object> write() throws IOException;
    }

    /**
     * Runs {@code writing}; when it fails (a missing model, an unknown word) and {@code out} did not
     * exist before, removes it again, so a refused command leaves no half-written output.
     */
    private static Map<String, Object> removedOnFailure(Path out, Writing writing) throws IOException {
        boolean fresh = !Files.exists(out);
        try {
            return writing.write();
        } catch (IOException | RuntimeException | Error e) {
            if (fresh) {
                try {
                    StagedDirectory.deleteTree(out);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }
}
