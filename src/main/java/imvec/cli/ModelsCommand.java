package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.Downloader;
import imvec.data.ImageSet;
import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.zoo.ModelCatalog;
import imvec.zoo.ModelTable;
import imvec.zoo.ModelZoo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "models", description = "List model cards; `models pull NAME` fetches a known ONNX model; `models table` compares models.",
        subcommands = {ModelsCommand.Pull.class, ModelsCommand.Table.class})
final class ModelsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--dir", description = "Another directory to look for cards in (besides ~/.imvec/models).")
    List<Path> dirs = new ArrayList<>();

    @Override
    public Integer call() {
        List<Path> where = ModelCatalog.searchPath(dirs);
        List<ModelCatalog.Found> found = ModelCatalog.list(where);
        if (common.json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ModelCatalog.Found f : found) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                m.put("model", f.model().toString());
                m.put("model_present", f.modelPresent());
                m.put("card_file", f.cardFile().toString());
                if (f.card() != null) m.put("card", summary(f.card()));
                if (f.problem() != null) m.put("problem", f.problem());
                out.add(m);
            }
            common.printJson(Map.of("directories", where.stream().map(Path::toString).toList(), "models", out));
            return 0;
        }
        if (found.isEmpty()) {
            System.out.println("No model cards under " + String.join(", ", where.stream().map(Path::toString).toList())
                    + ". Fetch one with `imvec models pull NAME` (" + String.join(", ",
                    ModelZoo.entries().stream().map(ModelZoo.Entry::name).toList()) + ").");
            return 0;
        }
        for (ModelCatalog.Found f : found) {
            boolean standalone = !f.cardFile().getFileName().toString().endsWith(".onnx.json")
                    && !f.cardFile().getFileName().toString().equals("card.json");
            String state = f.modelPresent() ? "" : standalone ? "  (stand-alone card, for --card)" : "  (model file missing)";
            System.out.println(f.name() + state + "  [" + f.cardFile() + "]");
            if (f.problem() != null) {
                System.out.println("  problem: " + f.problem());
                continue;
            }
            ModelCard c = f.card();
            System.out.printf(Locale.ROOT, "  input %s %d×%d×%d, resize %s, mean %s, std %s%n", c.input(), c.channels(),
                    c.height(), c.width(), c.resize(), Arrays.toString(c.mean()), Arrays.toString(c.std()));
            System.out.printf("  features %s, output %s, classes %s%s%n", c.featureLayer(), c.outputLayer(),
                    c.classes() == null ? "unnamed" : c.classes().size() + (c.classesFile() != null ? " from " + c.classesFile() : ""),
                    c.classOrder() == null ? "" : " (" + c.classOrder() + ")");
            System.out.printf("  licence %s; source %s%n", c.licence(), c.source());
        }
        return 0;
    }

    /** The card as JSON with the class list shortened to its length (ImageNet cards name 1,000). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> summary(ModelCard card) {
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().convertValue(card, Map.class);
        if (card.classes() != null) m.put("classes", card.classes().size());
        return m;
    }

    /** Each model is timed with the preprocessing its own card asks for. */
    private static imvec.data.Preprocess cardPreprocessing(imvec.model.Backbone b) {
        ModelCard c = b.card();
        if (c == null || c.height() <= 0 || c.width() <= 0) {
            throw new imvec.util.UserError(b.path() + " does not say its input size; give it a card with height and width.");
        }
        return c.preprocessing().build();
    }

    @Command(name = "pull", description = "Download a known ONNX model zoo classifier (checked by SHA-256) and write its card.")
    static final class Pull implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(paramLabel = "NAME", description = "mobilenetv2, resnet18, resnet50, squeezenet, densenet121 or efficientnet-lite4; `list` shows them.")
        String name;

        @Option(names = "--dir", description = "Where to put the model (default ~/.imvec/models).")
        Path dir;

        @Override
        public Integer call() {
            if (name.equals("list")) {
                for (ModelZoo.Entry e : ModelZoo.entries()) {
                    System.out.printf(Locale.ROOT, "%-18s %6.1f MB  %-10s %s%n", e.name(), e.bytes() / 1e6, e.licence(), e.title());
                }
                return 0;
            }
            ModelZoo.Entry entry = ModelZoo.get(name);
            Path target = dir != null ? dir : ModelCatalog.defaultDirectory();
            ModelZoo.Pulled p;
            try (ProgressBar bar = common.progress("download " + entry.name())) {
                p = ModelZoo.pull(entry, target, new Downloader(), bar::update);
            }
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", entry.name());
                out.put("model", p.model().toString());
                out.put("card_file", p.cardFile().toString());
                out.put("sha256", entry.sha256());
                out.put("card", p.card());
                common.printJson(out);
            } else {
                System.out.printf("%s → %s (SHA-256 %s verified); card %s, feature layer %s.%n", entry.name(), p.model(),
                        entry.sha256(), p.cardFile(), p.card().featureLayer());
            }
            return 0;
        }
    }

    @Command(name = "table", description = "Per model: file size, parameters, features of the chosen layer, extraction ms per image here.")
    static final class Table implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", required = true, description = "Dataset spec to time extraction on.")
        String data;

        @Option(names = "--models", required = true, split = ",", description = "Model files, trained directories or pulled model names.")
        List<String> models;

        @Option(names = "--layer", split = ",", description = "Layer per model, in --models order (default: each card's feature layer).")
        List<String> layers;

        @Option(names = "--dir", description = "Another directory with pulled models or stand-alone cards (e.g. the repository's cards/).")
        List<Path> dirs = new ArrayList<>();

        @Option(names = "--images", defaultValue = "64", description = "Images to time on (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "16", description = "Images per inference batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() {
            if (layers != null && layers.size() != models.size()) {
                throw new imvec.util.UserError("--layer names " + layers.size() + " layers for " + models.size()
                        + " models; give one per model or none.");
            }
            List<Path> where = ModelCatalog.searchPath(dirs);
            ImageSet set = DataSpecs.open(data, null);
            ModelTable table = ModelTable.builder().optImages(images).optBatch(batch).build();
            List<ModelTable.Row> rows = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                Path model = ModelCatalog.resolve(models.get(i), where);
                // A card beside the model wins; else a stand-alone card of the same name in a --dir.
                ModelCard card = java.nio.file.Files.exists(imvec.onnx.OnnxBackbone.cardPath(model)) ? null
                        : ModelCatalog.standaloneCard(model, where);
                rows.add(table.measure(model, card, layers == null ? null : layers.get(i), set, ModelsCommand::cardPreprocessing));
            }
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("data", data);
                out.put("timing", "inference only on preprocessed images, after one warm-up batch");
                out.put("cores", Runtime.getRuntime().availableProcessors());
                out.put("imvec_version", imvec.util.Version.get());
                out.put("rows", rows);
                common.printJson(out);
                return 0;
            }
            System.out.printf("| model | file MB | parameters | layer | features | ms/image |%n|---|---:|---:|---|---:|---:|%n");
            for (ModelTable.Row r : rows) {
                System.out.printf(Locale.ROOT, "| %s | %.1f | %,d | %s %s | %,d | %.2f |%n", r.model(), r.fileBytes() / 1e6,
                        r.parameters(), r.layer(), Arrays.toString(r.layerShape()), r.features(), r.msPerImage());
            }
            System.out.printf("(inference only, %d images in batches of %d, %d cores, on %s)%n",
                    rows.isEmpty() ? 0 : rows.get(0).images(), batch, Runtime.getRuntime().availableProcessors(), data);
            return 0;
        }
    }
}
