package imvec.spatial;

import imvec.data.MultiLabelSet;
import imvec.data.MultiLabelSpecs;
import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.ModelCard;
import imvec.model.ProgressListener;
import imvec.onnx.OnnxBackbone;
import imvec.train.TrainedNet;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.words.ConceptNames;

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
     * directory (at {@code size} only its convolutional layers), e.g. 448 for 2×2 MobileNet mosaics.
     */
    public record Tap(Path model, String layer, int size) {
        Backbone open() {
            if (Files.isDirectory(model)) {
                TrainedNet net = TrainedNet.load(model);
                return size <= 0 ? net : net.atInputSize(size, size);
            }
            ModelCard c = OnnxBackbone.open(model, null).card();
            if (size <= 0) return OnnxBackbone.open(model, null);
            ModelCard sized = new ModelCard(c.input(), c.channels(), size, size, c.resize(), c.mean(), c.std(),
                    c.classesFile(), c.classes(), c.outputLayer(), c.featureLayer(), c.licence(), c.source(), c.sampling());
            return OnnxBackbone.builder().setModel(model).optCard(sized).optFreeInputSize(true).build();
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
        for (String u : unseen) {
            if (!scenes.classes().contains(u)) throw new UserError("unseen class '" + u + "' is not a class of " + spec
                    + imvec.util.Suggestions.didYouMean(u, scenes.classes()));
        }
        List<String> seenNames = new ArrayList<>(scenes.classes());
        seenNames.removeAll(unseen);
        LabelWords.Resolved seen = LabelWords.resolve(seenNames, words, names);
        FeatureMaps maps = maps(tap, scenes, mapsDone);
        int[][] labels = new int[scenes.size()][];
        for (int i = 0; i < labels.length; i++) labels[i] = scenes.labels(i);
        TrainingScenes data = TrainingScenes.of(maps, labels, scenes.classes(), seen.vectors());
        SpatialTraining.Result r = training.train(data, listener, SpatialTraining.BatchObserver.NONE);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("kind", training.kind());
        info.put("channels", maps.channels());
        info.put("dims", seen.vectors().dims());
        info.put("blocks", training.blocks());
        info.put("hidden", training.hidden());
        info.put("backbone", tap.model().toAbsolutePath().toString());
        info.put("tap", tap.layer());
        info.put("input_size", tap.size());
        info.put("map_size", List.of(maps.height(), maps.width()));
        info.put("data", spec);
        info.put("words", words.toAbsolutePath().toString());
        if (namesTsv != null) info.put("names", namesTsv.toAbsolutePath().toString());
        info.put("seen", seen.vectors().names());
        info.put("unseen", unseen);
        info.put("no_word_vector", seen.dropped());
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
        return new SpatialRun(r.head(), info);
    }

    /**
     * Scores every scene of {@code spec} against {@code labels} (any words, seen or unseen) into
     * {@code out}. Labels without a word vector are dropped and listed in the scores' manifest
     * ({@code dropped_labels}) and in {@link Scores#labels()}'s absence; none left is an error.
     */
    public static Scores score(Path modelDir, String spec, Path words, Path namesTsv, List<String> labels, Path out,
                               LongConsumer mapsDone) throws IOException {
        SpatialRun run = SpatialRun.load(modelDir);
        Map<String, String> names = namesTsv == null ? Map.of() : ConceptNames.readNames(namesTsv);
        LabelWords.Resolved resolved = LabelWords.resolve(labels, words, names);
        if (resolved.vectors().names().isEmpty()) LabelWords.require(labels, words, names);
        LabelVectors vectors = resolved.vectors();
        if (vectors.dims() != run.integer("dims")) {
            throw new UserError(words.getFileName() + " has " + vectors.dims() + "-dim vectors; the model was trained on "
                    + run.integer("dims") + "-dim ones (" + run.string("words") + ").");
        }
        MultiLabelSet scenes = openScenes(spec);
        FeatureMaps maps = maps(new Tap(Path.of(run.string("backbone")), run.string("tap"), run.integer("input_size")), scenes, mapsDone);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) ids.add(scenes.id(i));
        Scores s = new SpatialModel(run.head()).score(maps, ids, vectors, 64, 2, d -> { });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir.toAbsolutePath().toString());
        m.put("head", run.string("kind"));
        m.put("data", spec);
        m.put("words", words.toAbsolutePath().toString());
        m.put("seen", run.info().get("seen"));
        m.put("unseen", run.info().get("unseen"));
        m.put("seed", run.info().get("seed"));
        m.put("scenes", scenes.size());
        m.put("labels", vectors.names());
        m.put("dropped_labels", resolved.dropped());
        m.put("map_size", List.of(maps.height(), maps.width()));
        m.put("version", Version.get());
        ScoresDir.write(out, s, m);
        return s;
    }
}
