package imvec.cli;

import imvec.data.NameList;
import imvec.spatial.Scores;
import imvec.spatial.SpatialJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "score", description = "Score images against any label words (seen or unseen): scores.npy, maps.npy, labels.txt, ids.txt (a ConSE model: cosines, no maps.npy).")
final class SpatialScoreCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    SpatialModelOptions m;

    @Option(names = "--labels", required = true, description = "File of label words, one a line.")
    Path labels;

    @Option(names = "--out", required = true, description = "Scores directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<String> wanted = NameList.read(labels, "labels file");
        Scores s;
        try (ProgressBar bar = common.progress("maps")) {
            s = SpatialJob.score(m.model, m.data, m.words, m.names, wanted, out, d -> bar.update(d, d));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenes", s.ids().size());
        r.put("labels", s.labels().size());
        r.put("map", s.hasMaps() ? List.of(s.height(), s.width()) : null);
        r.put("out", out.toString());
        List<String> dropped = wanted.stream().filter(w -> !s.labels().contains(w)).toList();
        r.put("dropped_labels", dropped);
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.println("Scored " + s.ids().size() + " images against " + s.labels().size() + " labels ("
                + (s.hasMaps() ? s.height() + "×" + s.width() + " maps" : "ConSE cosines, no maps") + "); wrote " + out + ".");
        if (!dropped.isEmpty()) {
            System.out.println("Dropped " + dropped.size() + " labels with no word vector in " + m.words.getFileName() + ": "
                    + String.join(", ", dropped) + ".");
        }
        return 0;
    }
}
