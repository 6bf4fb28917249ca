package imvec.cli;

import imvec.data.MosaicScenes;
import imvec.data.MultiLabelSet;
import imvec.data.MultiLabelSpecs;
import imvec.report.SceneEvalReport;
import imvec.spatial.ScoresDirectory;
import imvec.spatial.SceneEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", description = "Evaluate a scores directory against a multi-label set: mAP, hit@1/5 (single images), localisation mIoU and its threshold curve, k-means region IoU, map-search P@10.")
final class SceneEvalCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--scores", required = true, description = "A scores directory (manifest.json, labels.txt, ids.txt, scores.npy, maps.npy).")
    Path scores;

    @Option(names = "--data", required = true, description = "The images scored: " + MultiLabelSpecs.SYNTAX + ".")
    String data;

    @Option(names = "--labels", description = "Evaluate among these labels only (one a line, e.g. unseen.txt); default all scored labels.")
    Path labels;

    @Option(names = "--threshold", defaultValue = "0.8", description = "The normalised map value a pixel's best label must exceed (default ${DEFAULT-VALUE}).")
    double threshold;

    @Option(names = "--normalise", defaultValue = "image-range", paramLabel = "image-range|sigmoid",
            description = "Maps before the threshold: image-range scales each image's maps to [0, 1] by their minimum and maximum; sigmoid reads each logit as a probability (default ${DEFAULT-VALUE}).")
    String normalise;

    @Option(names = "--segments", defaultValue = "4", description = "k of the k-means region segmentation; 0 skips it (default ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--grid", defaultValue = "2", description = "Cells per side of the generated map-search queries (default ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--queries", defaultValue = "100", description = "Map-search queries to draw; 0 skips map search (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the query draw and k-means (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Directory for eval.md, eval.json, ap.csv and the localisation curve (CSV, PNG, SVG).")
    Path out;

    @Override
    public Integer call() throws Exception {
        SceneEvaluation.Builder b = SceneEvaluation.builder().optThreshold(threshold).optScale(SceneEvaluation.MapScale.parse(normalise)).optSegments(segments).optGrid(grid)
                .optQueries(queries).optSeed(seed);
        if (labels != null) b.optLabels(MosaicScenes.readClassList(labels), labels.toString());
        ScoresDirectory dir = ScoresDirectory.open(scores);
        MultiLabelSet set = MultiLabelSpecs.open(data);
        SceneEvaluation.Result r;
        try (ProgressBar bar = common.progress("eval")) {
            r = b.setScores(dir).setData(set).build().run(bar::update);
        }
        Map<String, Object> provenance = SceneEvalReport.provenance(scores, dir.manifest(), set.spec(), seed);
        List<Path> files = out == null ? List.of() : SceneEvalReport.write(r, provenance, out);
        if (common.json) {
            Map<String, Object> o = SceneEvalReport.json(r, provenance);
            o.put("files", files.stream().map(Path::toString).toList());
            common.printJson(o);
            return 0;
        }
        System.out.print(SceneEvalReport.markdown(r));
        if (out != null) System.out.println("Wrote " + String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList()) + " in " + out + ".");
        return 0;
    }
}
