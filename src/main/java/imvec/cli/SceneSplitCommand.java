package imvec.cli;

import imvec.data.ClassSplit;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "split", description = "Draw a seeded seen/unseen split of a set's classes: seen.txt, unseen.txt and split.json.")
final class SceneSplitCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RelabelOption relabel;

    @Option(names = "--data", required = true, description = "The set whose classes are split: " + DataSpecs.SYNTAX + ".")
    String data;

    @Option(names = "--unseen", required = true, description = "How many classes are held out as unseen.")
    int unseen;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ImageSet set = relabel.open(data);
        ClassSplit split = ClassSplit.draw(set.classes(), unseen, seed);
        split.write(out, set.spec());
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("out", out.toString());
            o.put("seen", split.seen().size());
            o.put("unseen", split.unseen().size());
            o.put("seed", seed);
            common.printJson(o);
        } else {
            System.out.println("Split " + set.classes().size() + " classes into " + split.seen().size() + " seen and "
                    + split.unseen().size() + " unseen (seed " + seed + "): " + out.resolve("seen.txt") + ", " + out.resolve("unseen.txt") + ".");
        }
        return 0;
    }
}
