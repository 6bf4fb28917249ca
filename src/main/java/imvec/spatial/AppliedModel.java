package imvec.spatial;

import imvec.words.LabelVectors;

import imvec.data.MultiLabelSet;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.words.ConceptNames;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * A trained spatial model applied to a collection of images, for the analyses that read its words
 * and its region embeddings (diversity, clusters around words, region PCA). Every input is
 * checked when it is given (model, data, words), before the backbone maps are computed, so a bad
 * input costs no time and writes nothing. The maps are computed once and shared by scoring and
 * region embeddings.
 */
public final class AppliedModel {
    /** Images per batch through the head, as {@link SpatialJob#score} uses. */
    private static final int BATCH = 64;
    private static final int THREADS = 2;

    private final Path modelDir;
    private final SpatialRun run;
    private final String spec;
    private final MultiLabelSet scenes;
    private final List<String> ids;
    private FeatureMaps maps;

    private AppliedModel(Path modelDir, SpatialRun run, String spec, MultiLabelSet scenes) {
        this.modelDir = modelDir;
        this.run = run;
        this.spec = spec;
        this.scenes = scenes;
        List<String> list = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) list.add(scenes.id(i));
        this.ids = List.copyOf(list);
    }

    /**
     * Opens the model and the images; {@code needsRegions} refuses a pooled head (it has one
     * vector per image, no region embeddings), an empty data set is refused always.
     */
    public static AppliedModel open(Path modelDir, String spec, boolean needsRegions) {
        SpatialRun run = SpatialRun.load(modelDir);
        if (needsRegions && !(run.head() instanceof CosineMapHead)) {
            throw new UserError(modelDir + " holds a " + run.head().kind() + " head, which keeps one vector per image;"
                    + " region embeddings need a spatial head (imvec spatial train --head spatial).");
        }
        MultiLabelSet scenes = SpatialJob.openScenes(spec);
        if (scenes.size() == 0) throw new UserError(spec + " holds no images.");
        return new AppliedModel(modelDir, run, spec, scenes);
    }

    /**
     * The unit vectors of {@code words}, in the order given: every word must have a vector (an
     * unknown one gets a did-you-mean) of the model's dimension, and none may repeat.
     */
    public LabelVectors words(List<String> words, Path wordsFile, Path namesTsv) throws IOException {
        if (words.isEmpty()) throw new IllegalArgumentException("no words");
        List<String> seen = new ArrayList<>();
        for (String w : words) {
            if (seen.contains(w)) throw new UserError("the word '" + w + "' is given twice.");
            seen.add(w);
        }
        Map<String, String> names = namesTsv == null ? Map.of() : ConceptNames.readNames(namesTsv);
        LabelVectors v = LabelVectors.require(words, wordsFile, names);
        if (v.dims() != run.integer("dims")) {
            throw new UserError(wordsFile.getFileName() + " has " + v.dims() + "-dim vectors; the model was trained on "
                    + run.integer("dims") + "-dim ones (" + run.string("words") + ").");
        }
        return v;
    }

    /** Computes the backbone maps of every image (once); {@code done} hears images finished. */
    public AppliedModel computeMaps(LongConsumer done) throws IOException {
        if (maps == null) {
            maps = SpatialJob.maps(SpatialJob.Tap.of(run), scenes, done);
        }
        return this;
    }

    private FeatureMaps maps() {
        if (maps == null) throw new IllegalStateException("computeMaps first");
        return maps;
    }

    public Scores score(LabelVectors words) {
        return new SpatialModel(run.head()).score(maps(), ids, words, BATCH, THREADS, d -> { });
    }

    public RegionEmbeddings regions() {
        return RegionEmbeddings.compute(run.head(), maps(), ids, BATCH, THREADS, d -> { });
    }

    public MultiLabelSet scenes() {
        return scenes;
    }

    public List<String> ids() {
        return ids;
    }

    public SpatialRun run() {
        return run;
    }

    /** Provenance for an output: the model (and what it was trained on), the data, the words, the version. */
    public Map<String, Object> provenance(List<String> words, Path wordsFile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelDir.toAbsolutePath().toString());
        m.put("head", run.string("kind"));
        m.put("model_seed", run.info().get("seed"));
        m.put("model_data", run.info().get("data"));
        m.put("data", spec);
        m.put("images", scenes.size());
        m.put("words", words);
        m.put("word_vectors", wordsFile == null ? null : wordsFile.toAbsolutePath().toString());
        if (maps != null) m.put("map_size", List.of(maps.height(), maps.width()));
        m.put("version", Version.get());
        return m;
    }
}
