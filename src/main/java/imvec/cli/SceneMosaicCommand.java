package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.MosaicScenes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "mosaic", description = "Build G×G mosaic scenes with per-pixel masks from a labelled image set, as an ordinary dataset (images/, labels.csv, masks/, classes.txt).")
final class SceneMosaicCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RelabelOption relabel;

    @Option(names = "--data", required = true, description = "Source images: " + DataSpecs.SYNTAX + ".")
    String data;

    @Option(names = "--grid", defaultValue = "2", description = "Cells per side (default ${DEFAULT-VALUE}).")
    int grid;

    @Option(names = "--cell", defaultValue = "224", description = "Cell side in pixels (default ${DEFAULT-VALUE}).")
    int cell;

    @Option(names = "--scenes", defaultValue = "1000", description = "How many scenes (default ${DEFAULT-VALUE}).")
    int scenes;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the layout and image choice (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--classes", description = "Only images of these classes (one name a line), e.g. seen.txt from `imvec scenes split`.")
    Path classes;

    @Option(names = "--vary", description = "Random crop, flip and position jitter of each tile (for training scenes).")
    boolean vary;

    @Option(names = "--image-format", defaultValue = "jpg", description = "jpg or png (default ${DEFAULT-VALUE}); masks are always PNG.")
    String imageFormat;

    @Option(names = "--background", split = ",", description = "Colour of empty cells: one grey level or R,G,B in 0..255 (default 124,116,104, ImageNet's mean; 117 for grey sources).")
    int[] background;

    @Option(names = "--out", required = true, description = "Output directory (written whole at the end).")
    Path out;

    @Override
    public Integer call() throws Exception {
        MosaicScenes.Builder b = MosaicScenes.builder().optGrid(grid).optCell(cell).optScenes(scenes).optSeed(seed)
                .optVary(vary).optImageFormat(imageFormat);
        if (background != null) b.optBackground(background);
        if (classes != null) b.optClasses(MosaicScenes.readClassList(classes), classes.toString());
        ImageSet set = relabel.open(data);
        MosaicScenes.Result r;
        try (ProgressBar bar = common.progress("mosaic")) {
            r = b.setSource(set).build().write(out, bar::update);
        }
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("out", r.out().toString());
            o.put("scenes", r.scenes());
            o.put("classes", r.classes().size());
            o.put("source_images", r.sourceImages());
            o.put("seconds", r.seconds());
            o.put("scenes_per_second", r.scenesPerSecond());
            common.printJson(o);
            return 0;
        }
        System.out.printf(Locale.ROOT, "Wrote %d %d×%d scenes of %d classes (%d source images) to %s in %.1f s (%.1f scenes/s); read them back with --data multilabel:%s.%n",
                r.scenes(), grid * cell, grid * cell, r.classes().size(), r.sourceImages(), out, r.seconds(), r.scenesPerSecond(),
                out.resolve("labels.csv"));
        return 0;
    }
}
