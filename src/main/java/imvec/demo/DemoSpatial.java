package imvec.demo;

import imvec.data.ClassSplit;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.MosaicScenes;
import imvec.data.MultiLabelSet;
import imvec.data.MultiLabelSpecs;
import imvec.report.HtmlReport;
import imvec.report.SceneEvalReport;
import imvec.report.SearchPage;
import imvec.report.SpatialViews;
import imvec.spatial.MapQuery;
import imvec.spatial.MapSearcher;
import imvec.spatial.SceneEvaluation;
import imvec.spatial.ScoresDirectory;
import imvec.spatial.SpatialJob;
import imvec.spatial.SpatialRun;
import imvec.spatial.SpatialTraining;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's spatial section: the Fashion-MNIST CNN's last conv map (pool2, 14×14 at a 2×2
 * mosaic's 56×56) compared with word vectors at every location. Two classes are held out; a head
 * trained on mosaics of the other eight scores, localises and finds the held-out classes by their
 * words alone: a projection along an unseen word, localisation maps, and one map search.
 */
final class DemoSpatial {
    static final int UNSEEN = 2, TRAIN_SCENES = 1500, TEST_SCENES = 400, EPOCHS = 4;
    static final String TAP = "pool2";

    record Result(ClassSplit split, SceneEvaluation.Result eval, String projection, List<String> overlays,
                  String searchPage, String query, List<MapSearcher.Hit> hits, List<String> hitLabels,
                  Map<String, Object> model) {
        /** The zero-shot figures, for the command's summary and --json. */
        Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("unseen", split.unseen());
            m.put("unseen_scenes", eval.images());
            m.put("unseen_map", eval.map().mean());
            m.put("unseen_miou", eval.localisation().miou());
            m.put("threshold", eval.localisation().threshold());
            m.put("map_normalisation", eval.localisation().scale().id());
            m.put("search_p_at_10", eval.search() == null ? null : eval.search().precisionAt10());
            m.put("projection", projection);
            return m;
        }
    }

    private DemoSpatial() {
    }

    static Result run(Path out, Path cnn, Path words, int seed, Demo.Listener listener) throws IOException {
        Path dir = out.resolve("spatial");
        ImageSet train = DataSpecs.open("fashion-mnist:train", null);
        ClassSplit split = ClassSplit.draw(train.classes(), UNSEEN, seed);
        split.write(dir.resolve("split"), train.spec());
        Path seenScenes = mosaic(dir.resolve("scenes-seen"), train, split.seen(), TRAIN_SCENES, true, seed, listener);
        Path unseenScenes = mosaic(dir.resolve("scenes-unseen"), DataSpecs.open("fashion-mnist:test", null), split.unseen(),
                TEST_SCENES, false, seed + 1, listener);
        String unseenSpec = "multilabel:" + unseenScenes.resolve("labels.csv");

        Path model = dir.resolve("model");
        if (!Files.isRegularFile(model.resolve(SpatialRun.FILE))) {
            listener.stage("spatial model: a head on fm-cnn's " + TAP + " of " + TRAIN_SCENES + " mosaics of the 8 seen classes");
            SpatialTraining training = SpatialTraining.builder().optEpochs(EPOCHS).optSeed(seed).build();
            SpatialRun trained = SpatialJob.train("multilabel:" + seenScenes.resolve("labels.csv"),
                    // The scenes hold seen classes only, so no --unseen list is needed to keep the others out.
                    new SpatialJob.Tap(cnn, TAP, 56), words, null, List.of(), training,
                    d -> listener.progress(d, TRAIN_SCENES), (done, total, loss) -> listener.progress(done, total));
            trained.save(model);
        }

        listener.stage("spatial model: zero-shot scores and maps of " + split.unseen() + " on unseen mosaics");
        Path scores = dir.resolve("scores-unseen");
        SpatialJob.score(model, unseenSpec, words, null, split.unseen(), scores, d -> listener.progress(d, TEST_SCENES));
        ScoresDirectory sd = ScoresDirectory.open(scores);
        MultiLabelSet unseenSet = MultiLabelSpecs.open(unseenSpec);
        SceneEvaluation.Result eval = SceneEvaluation.builder().setScores(sd).setData(unseenSet)
                .optLabels(split.unseen(), "the unseen classes").optSeed(seed).build().run(listener::progress);
        SceneEvalReport.write(eval, SceneEvalReport.provenance(scores, sd.manifest(), unseenSpec, seed), dir.resolve("eval-unseen"));

        String word = split.unseen().get(0);
        listener.stage("spatial model: the test images along \"" + word + "\", localisation maps, a map search");
        SpatialViews.project(model, "fashion-mnist:test[spread 300]", words, null, List.of(word), seed, dir.resolve("project"));
        Map<String, Object> loc = SpatialViews.localise(model, unseenSpec, words, null, split.unseen(), 3, dir.resolve("localise"));
        List<String> overlays = new ArrayList<>();
        for (Object f : (List<?>) loc.get("overlays")) overlays.add(out.relativize(dir.resolve("localise").resolve(f.toString())).toString());

        // "WORD on the left, not on the right": +1 in the left column, −1 in the right one.
        MapQuery query = new MapQuery(List.of(new MapQuery.Term(word, 2, 2, new float[] {1, -1, 1, -1})), "the demo");
        List<MapSearcher.Hit> hits = MapSearcher.search(sd, query, 10);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("scores", scores.toString());
        prov.put("query", word + " in the left column, not in the right one");
        Path page = SearchPage.write(hits, query, unseenSet, prov, dir.resolve("search"));
        List<String> hitLabels = new ArrayList<>();
        for (MapSearcher.Hit h : hits) {
            List<String> names = new ArrayList<>();
            for (int k : unseenSet.labels(h.image())) names.add(unseenSet.classes().get(k));
            hitLabels.add(String.join(";", names));
        }
        return new Result(split, eval, out.relativize(dir.resolve("project").resolve("projection.png")).toString(), overlays,
                out.relativize(page).toString(), word + " in the left column, not in the right one", hits, hitLabels,
                SpatialRun.load(model).info());
    }

    private static Path mosaic(Path dir, ImageSet source, List<String> classes, int scenes, boolean vary, long seed,
                               Demo.Listener listener) throws IOException {
        if (Files.isRegularFile(dir.resolve("labels.csv"))) return dir;
        listener.stage("mosaic scenes: " + scenes + " 2×2 scenes of " + classes);
        MosaicScenes.builder().setSource(source).optGrid(2).optCell(28).optScenes(scenes).optSeed(seed)
                .optClasses(classes, "the demo's split").optVary(vary).optBackground(0).optImageFormat("png").build().write(dir, (done, total) -> listener.progress(done, total));
        return dir;
    }

    static void addTo(HtmlReport r, Result s) {
        r.section("Words at every location: a spatial visual-semantic model");
        SceneEvaluation.Result e = s.eval();
        r.paragraph(String.format(Locale.ROOT, "The CNN's %s map (64 channels, 14×14 at a 2×2 mosaic of 56×56) is compared with word "
                        + "vectors at every location. A head was trained on mosaics of the 8 seen classes only; %s were held out, "
                        + "with their images and their words. Zero-shot on %d mosaics of the unseen classes: mAP %.3f; "
                        + "localisation mIoU %.3f at threshold %.2f on the %s-normalised maps (best %.3f at %.2f); map-search P@10 %.3f over %d drawn queries.",
                TAP, s.split().unseen(), e.images(), e.map().mean(), e.localisation().miou(), e.localisation().threshold(),
                e.localisation().scale().id(), e.localisation().bestMiou(), e.localisation().bestThreshold(),
                e.search() == null ? Double.NaN : e.search().precisionAt10(), e.search() == null ? 0 : e.search().queries()));
        List<String> figs = new ArrayList<>(List.of(s.projection()));
        List<String> caps = new ArrayList<>(List.of("Test images along the unseen word \"" + s.split().unseen().get(0) + "\" (x: score)"));
        for (String o : s.overlays()) {
            figs.add(o);
            caps.add("localisation map: " + Path.of(o).getFileName());
        }
        r.figures(figs, caps);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < s.hits().size(); i++) {
            MapSearcher.Hit h = s.hits().get(i);
            rows.add(List.of(Integer.toString(h.rank()), h.id(), String.format(Locale.ROOT, "%.4f", h.score()), s.hitLabels().get(i)));
        }
        r.paragraph("Map search: " + s.query() + ".");
        r.table(List.of("rank", "scene", "score", "labels in the scene"), rows);
        r.links(List.of(s.searchPage()), List.of("the search page with thumbnails"));
    }
}
