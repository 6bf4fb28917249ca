package imvec.cli;

import imvec.data.MultiLabelSpecs;
import imvec.report.SearchPage;
import imvec.spatial.MapQuery;
import imvec.spatial.MapSearcher;
import imvec.spatial.ScoresDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "search", description = "Search scored images by a painted map: a JSON query gives per word a grid of 1 (here), -1 (not here) and 0 over the image.")
final class SceneSearchCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--scores", required = true, description = "A scores directory with maps.npy.")
    Path scores;

    @Option(names = "--query", required = true, description = "JSON query, e.g. {\"dog\": [[0, 1], [0, -1]]}: a dog top right, none bottom right.")
    Path query;

    @Option(names = "--top", defaultValue = "10", description = "How many images to list (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--data", description = "The images scored (" + MultiLabelSpecs.SYNTAX + "), for the thumbnails of --out.")
    String data;

    @Option(names = "--out", description = "Directory for search.html (query and top images as thumbnails, needs --data) and search.json.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (out != null && data == null) throw new imvec.util.UserError("--out writes thumbnails, so it needs --data naming the scored images");
        if (top < 1) throw new imvec.util.UserError("--top must be at least 1, not " + top);
        MapQuery q = MapQuery.read(query);
        ScoresDirectory dir = ScoresDirectory.open(scores);
        List<MapSearcher.Hit> hits = MapSearcher.search(dir, q, top);
        if (out != null) {
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("imvec_version", imvec.util.Version.get());
            provenance.put("scores", scores.toString());
            provenance.put("scores_manifest", dir.manifest());
            provenance.put("query", query.toString());
            provenance.put("data", data);
            Path page = SearchPage.write(hits, q, MultiLabelSpecs.open(data), provenance, out);
            if (!common.json) System.out.println("Wrote " + page + ".");
        }
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("scores", scores.toString());
            o.put("query", query.toString());
            o.put("words", q.terms().stream().map(MapQuery.Term::word).toList());
            o.put("hits", hits);
            common.printJson(o);
            return 0;
        }
        System.out.println("rank  score    id");
        for (MapSearcher.Hit h : hits) System.out.printf(Locale.ROOT, "%4d  %7.4f  %s%n", h.rank(), h.score(), h.id());
        return 0;
    }
}
