package imvec.spatial;

import imvec.data.MultiLabelSet;
import imvec.data.MultiLabelSpecs;
import imvec.data.Preprocess;
import imvec.finetune.TrainableTail;
import imvec.finetune.TunedBackbone;
import imvec.model.Backbone;
import imvec.model.ModelCard;
import imvec.model.ModelCards;
import imvec.model.ProgressListener;
import imvec.onnx.OnnxBackbone;
import imvec.train.TrainedNet;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.words.ConceptNames;
import imvec.words.LabelVectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** Train and score from specs: data → frozen backbone maps → head → model directory / scores directory. */
public final class SpatialJob {
    /**
     * The frozen backbone and its tap: an ONNX file (input size freed) or a trained imvec CNN
     * directory (at {@code size} only its convolutional layers), e.g. 448 for 2×2 MobileNet
     * mosaics; and the model card of an ONNX file (null: the one beside the model, else one
     * derived from the graph).
     */
    public record Tap(Path model, String layer, int size, Path card) {
        /** The tap a trained model reads, as its {@code head.json} records it. */
        public static Tap of(SpatialRun run) {
            Path model = run.tunedBackbone() != null ? run.tunedBackbone() : Path.of(run.string("backbone"));
            return new Tap(model, run.string("tap"), run.integer("input_size"),
                    run.string("card") == null ? null : Path.of(run.string("card")));
        }

        public Tap(Path model, String layer, int size) {
            this(model, layer, size, null);
        }

        Backbone open() {
            if (TunedBackbone.isTunedDirectory(model)) return TunedBackbone.load(model, size);
            if (Files.isDirectory(model)) {
                TrainedNet net = TrainedNet.load(model);
                return size <= 0 ? net : net.atInputSize(size, size);
            }
            return openOnnx();
        }

        /** The ONNX file at {@code size} (its input made free), or at its own size when {@code size} ≤ 0. */
        OnnxBackbone openOnnx() {
            ModelCard given = readCard();
            if (size <= 0) return OnnxBackbone.open(model, given);
            ModelCard c;
            try (OnnxBackbone b = OnnxBackbone.open(model, given)) {
                c = b.card();
            }
            ModelCard sized = new ModelCard(c.input(), c.channels(), size, size, c.resize(), c.mean(), c.std(),
                    c.classesFile(), c.classes(), c.outputLayer(), c.featureLayer(), c.licence(), c.source(), c.sampling());
            return OnnxBackbone.builder().setModel(model).optCard(sized).optFreeInputSize(true).build();
        }

        /** The backbone at its own input size, as its classifier was trained to see images (ConSE). */
        Backbone openNative() {
            if (TunedBackbone.isTunedDirectory(model)) return TunedBackbone.load(model);
            return Files.isDirectory(model) ? TrainedNet.load(model) : OnnxBackbone.open(model, readCard());
        }

        private ModelCard readCard() {
            if (card == null) return null;
            if (!Files.isRegularFile(card)) throw new UserError("the model card " + card + " does not exist.");
            return ModelCards.read(card);
        }
    }

    private SpatialJob() {
    }

    /** Any ImageSet spec, seen as single-label scenes (multi-label specs plug in here). */
    public static MultiLabelSet openScenes(String spec) {
        return MultiLabelSpecs.open(spec);
    }

    public static FeatureMaps maps(Tap tap, MultiLabelSet scenes, LongConsumer done) throws IOException {
        try (Backbone b = tap.open()) {
            Preprocess pre = b.card().preprocessing().build();
            return BackboneMaps.compute(b, tap.layer(), pre, scenes, 8, done);
        }
    }

    /**
     * Trains on the scenes of {@code spec} whose classes are all seen; {@code unseen} classes (and
     * classes without a word vector, listed in the result) never reach training.
     */
    public static SpatialRun train(String spec, Tap tap, Path words, Path namesTsv, List<String> unseen,
                                   SpatialTraining training, LongConsumer mapsDone, ProgressListener listener) throws IOException {
        MultiLabelSet scenes = openScenes(spec);
        Map<String, String> names = namesTsv == null ? Map.of() : ConceptNames.readNames(namesTsv);
        List<String> seenNames = seenClasses(scenes, spec, unseen);
        LabelVectors seen = LabelVectors.resolve(seenNames, words, names, Map.of());
        int[][] labels = new int[scenes.size()][];
        for (int i = 0; i < labels.length; i++) labels[i] = scenes.labels(i);
        if (training.tuneFrom() != null) return trainTuned(spec, tap, words, namesTsv, unseen, training, scenes, labels, seen, mapsDone, listener);
        FeatureMaps maps = maps(tap, scenes, mapsDone);
        TrainingScenes data = TrainingScenes.of(maps, labels, scenes.classes(), seen);
        SpatialTraining.Result r = training.train(data, listener, SpatialTraining.BatchObserver.NONE);
        Map<String, Object> info = describe(spec, tap, words, namesTsv, unseen, training, seen, data, r,
                maps.channels(), List.of(maps.height(), maps.width()));
        return new SpatialRun(r.head(), info);
    }

    /**
     * Training with the backbone's tail after {@code training.tuneFrom()}: ONNX Runtime computes
     * the start tensors once per scene (the cache), the imported tail and the head train together.
     * The tail is checked (tensor known, before the tap, ops importable) before any scene is read.
     */
    private static SpatialRun trainTuned(String spec, Tap tap, Path words, Path namesTsv, List<String> unseen,
                                         SpatialTraining training, MultiLabelSet scenes, int[][] labels, LabelVectors seen,
                                         LongConsumer mapsDone, ProgressListener listener) throws IOException {
        if (Files.isDirectory(tap.model())) {
            throw new UserError("--tune-from tunes ONNX backbones only; " + tap.model()
                    + " is an imvec model directory (a trained imvec CNN or an already tuned model).");
        }
        try (OnnxBackbone b = tap.openOnnx(); TrainableTail tail = TrainableTail.of(b, training.tuneFrom(), tap.layer())) {
            if (tail.outputItem().length != 3) {
                throw new UserError("layer '" + tap.layer() + "' has no spatial dims; pick a convolutional map [N, C, H, W].");
            }
            Preprocess pre = b.card().preprocessing().build();
            FeatureMaps start = BackboneMaps.compute(b, training.tuneFrom(), pre, scenes, 8, mapsDone);
            TrainingScenes data = TrainingScenes.of(start, labels, scenes.classes(), seen);
            SpatialTraining.Result r = training.train(data, tail, listener, SpatialTraining.BatchObserver.NONE);
            long[] out = tail.outputItem();
            Map<String, Object> info = describe(spec, tap, words, namesTsv, unseen, training, seen, data, r,
                    (int) out[0], List.of((int) out[1], (int) out[2]));
            info.put("tune_from", training.tuneFrom());
            info.put("tune_learning_rate", training.tuneLearningRate());
            info.put("tuned_parameters", tail.trainableParameters());
            info.put("tuned_values", tail.trainableValues());
            info.put("tuned_backbone", SpatialRun.TUNED_DIR);
            info.put("start_map_size", List.of(start.channels(), start.height(), start.width()));
            return new SpatialRun(r.head(), info, new SpatialRun.Tail(tail.card(pre.describe()), tail.parameters(), null));
        }
    }

    /** A trained head's {@code head.json}: sizes, tap, data and split, training options and losses, version. */
    private static Map<String, Object> describe(String spec, Tap tap, Path words, Path namesTsv, List<String> unseen,
                                                SpatialTraining training, LabelVectors seen, TrainingScenes data,
                                                SpatialTraining.Result r, int channels, List<Integer> mapSize) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kind", training.kind());
        info.put("channels", channels);
        info.put("dims", seen.dims());
        info.put("blocks", training.blocks());
        info.put("hidden", training.hidden());
        info.put("backbone", tap.model().toAbsolutePath().toString());
        info.put("tap", tap.layer());
        info.put("input_size", tap.size());
        if (tap.card() != null) info.put("card", tap.card().toAbsolutePath().toString());
        info.put("map_size", mapSize);
        putSplit(info, spec, words, namesTsv, seen, unseen);
        info.put("scenes_trained", data.size());
        info.put("scenes_left_out", data.leftOut());
        info.put("epochs", training.epochs());
        info.put("labels_per_scene", training.labelsPerScene());
        info.put("learning_rate", training.learningRate());
        info.put("batch_size", training.batchSize());
        info.put("seed", training.seed());
        info.put("epoch_losses", r.epochLosses());
        info.put("scenes_per_second", r.scenesPerSecond());
        info.put("version", Version.get());
        return info;
    }

    /** The provenance every model records of its data and seen/unseen split. */
    private static void putSplit(Map<String, Object> info, String spec, Path words, Path namesTsv, LabelVectors seen,
                                 List<String> unseen) {
        info.put("data", spec);
        info.put("words", words.toAbsolutePath().toString());
        if (namesTsv != null) info.put("names", namesTsv.toAbsolutePath().toString());
        info.put("seen", seen.names());
        info.put("unseen", unseen);
        info.put("no_word_vector", seen.droppedLabels());
    }

    /** The set's classes that are not {@code unseen}; every unseen class must be one of the set's. */
    private static List<String> seenClasses(MultiLabelSet scenes, String spec, List<String> unseen) {
        for (String u : unseen) {
            if (!scenes.classes().contains(u)) throw new UserError("unseen class '" + u + "' is not a class of " + spec
                    + imvec.util.Suggestions.didYouMean(u, scenes.classes()));
        }
        List<String> seenNames = new ArrayList<>(scenes.classes());
        seenNames.removeAll(unseen);
        return seenNames;
    }

    /**
     * A ConSE model directory's record (nothing is trained): the backbone classifier and its class
     * list, the seen classes of {@code spec} (its classes minus {@code unseen}, minus those without a
     * word vector, listed) and T. The classifier's classes are matched to seen labels by name.
     */
    public static Map<String, Object> conse(String spec, Tap tap, Path words, Path namesTsv, List<String> unseen, int top) {
        MultiLabelSet scenes = openScenes(spec);
        Map<String, String> names = namesTsv == null ? Map.of() : ConceptNames.readNames(namesTsv);
        LabelVectors seen = LabelVectors.resolve(seenClasses(scenes, spec, unseen), words, names, Map.of());
        List<String> classes;
        String output;
        int inputSize;
        try (Backbone b = tap.openNative()) {
            classes = b.card().classes();
            output = b.card().outputLayer();
            inputSize = b.card().height();
            if (classes == null || classes.isEmpty() || output == null) {
                throw new UserError("ConSE needs the classifier's class list and output layer, and the card of " + tap.model()
                        + " gives " + (classes == null || classes.isEmpty() ? "no class list" : "no output layer")
                        + "; pass --card (e.g. cards/mobilenet-v1-0.75-224.json).");
            }
            if (b.layers().stream().noneMatch(l -> l.name().equals(output))) {
                throw new UserError("the card's output layer '" + output + "' is not a layer of " + tap.model() + ".");
            }
        }
        Conse c = Conse.of(classes, seen, top);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kind", Conse.KIND);
        info.put("dims", seen.dims());
        info.put("backbone", tap.model().toAbsolutePath().toString());
        if (tap.card() != null) info.put("card", tap.card().toAbsolutePath().toString());
        info.put("output_layer", output);
        info.put("input_size", inputSize);
        info.put("classes", classes);
        info.put("top", top);
        putSplit(info, spec, words, namesTsv, seen, unseen);
        info.put("seen_not_in_classifier", c.seenWithoutClass());
        info.put("version", Version.get());
        return info;
    }

    /**
     * Scores every scene of {@code spec} against {@code labels} (any words, seen or unseen) into
     * {@code out}. Labels without a word vector are dropped and listed in the scores' manifest
     * ({@code dropped_labels}) and in {@link Scores#labels()}'s absence; none left is an error.
     * A ConSE model scores cosines from the classifier output and writes no maps.
     */
    public static Scores score(Path modelDir, String spec, Path words, Path namesTsv, List<String> labels, Path out,
                               LongConsumer done) throws IOException {
        Map<String, Object> info = SpatialRun.readInfo(modelDir);
        Map<String, String> names = namesTsv == null ? Map.of() : ConceptNames.readNames(namesTsv);
        LabelVectors vectors = LabelVectors.resolve(labels, words, names, Map.of());
        if (vectors.names().isEmpty()) LabelVectors.require(labels, words, names);
        int dims = info.get("dims") instanceof Number n ? n.intValue() : -1;
        if (vectors.dims() != dims) {
            throw new UserError(words.getFileName() + " has " + vectors.dims() + "-dim vectors; the model was trained on "
                    + dims + "-dim ones (" + info.get("words") + ").");
        }
        MultiLabelSet scenes = openScenes(spec);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) ids.add(scenes.id(i));
        Scores s;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir.toAbsolutePath().toString());
        m.put("head", info.get("kind"));
        if (Conse.KIND.equals(info.get("kind"))) {
            s = scoreConse(info, words, names, scenes, ids, vectors, done);
            m.put("score", "cosine of the ConSE embedding with the label vector, in [-1, 1]; no maps");
            m.put("top", info.get("top"));
        } else {
            SpatialRun run = SpatialRun.load(modelDir);
            FeatureMaps maps = maps(Tap.of(run), scenes, done);
            s = new SpatialModel(run.head()).score(maps, ids, vectors, 64, 2, d -> { });
            m.put("score", "sigmoid of the pooled logit, a probability");
            m.put("map_size", List.of(maps.height(), maps.width()));
        }
        m.put("data", spec);
        m.put("words", words.toAbsolutePath().toString());
        m.put("seen", info.get("seen"));
        m.put("unseen", info.get("unseen"));
        m.put("seed", info.get("seed"));
        m.put("scenes", scenes.size());
        m.put("labels", vectors.names());
        m.put("dropped_labels", vectors.droppedLabels());
        m.put("version", Version.get());
        ScoresDirectory.write(out, s, m);
        return s;
    }

    /**
     * ConSE scores: the classifier sees each whole scene at its own input size (a 448×448 mosaic
     * is resized to MobileNet's 224, as the classifier was trained to see a picture), not the
     * larger input the spatial head's maps come from. The seen labels take their vectors from the
     * same words as the scored labels (names: the ones given, else the model's), so both live in
     * one space.
     */
    @SuppressWarnings("unchecked")
    private static Scores scoreConse(Map<String, Object> info, Path words, Map<String, String> names, MultiLabelSet scenes,
                                     List<String> ids, LabelVectors labels, LongConsumer done) throws IOException {
        List<String> seenNames = (List<String>) info.get("seen");
        Map<String, String> seenNamesTable = !names.isEmpty() || info.get("names") == null ? names
                : ConceptNames.readNames(Path.of(String.valueOf(info.get("names"))));
        LabelVectors seen = LabelVectors.resolve(seenNames, words, seenNamesTable, Map.of());
        if (!seen.dropped().isEmpty()) {
            throw new UserError(seen.dropped().size() + " of the ConSE model's seen classes have no vector in " + words.getFileName()
                    + " (e.g. '" + seen.droppedLabels().get(0) + "'); score with the words (and --names) the model was made with: "
                    + info.get("words") + ".");
        }
        Conse c = Conse.of((List<String>) info.get("classes"), seen, ((Number) info.get("top")).intValue());
        Tap tap = new Tap(Path.of(String.valueOf(info.get("backbone"))), null, 0,
                info.get("card") == null ? null : Path.of(String.valueOf(info.get("card"))));
        float[][] outputs;
        try (Backbone b = tap.openNative()) {
            if (!info.get("classes").equals(b.card().classes())) {
                throw new UserError("the classifier " + tap.model() + " no longer lists the classes the ConSE model recorded.");
            }
            Preprocess pre = b.card().preprocessing().build();
            outputs = BackboneMaps.classifier(b, String.valueOf(info.get("output_layer")), pre, scenes, 16, done);
        }
        return c.score(ids, outputs, labels);
    }
}
