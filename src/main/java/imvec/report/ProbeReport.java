package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.analysis.LinearProbe;
import imvec.store.AtomicFiles;
import imvec.util.Version;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a probe's outcome: {@code probe.json} (results with provenance) and {@code confusion.png}. */
public final class ProbeReport {
    public static final String JSON_FILE = "probe.json";
    public static final String CONFUSION_FILE = "confusion.png";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProbeReport() {
    }

    /**
     * The results as one JSON-ready map: {@code inputs} says what was probed (run, layer, model
     * hash, data spec, split), {@code options} how, and the rest what came out.
     */
    public static Map<String, Object> toMap(LinearProbe.Result r, Map<String, Object> inputs, Map<String, Object> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imvec_version", Version.get());
        m.put("created", Instant.now().toString());
        m.put("inputs", inputs);
        m.put("options", options);
        m.put("train_rows", r.trainRows());
        m.put("test_rows", r.testRows());
        m.put("dims", r.dims());
        m.put("test_accuracy", r.testAccuracy());
        m.put("test_loss", r.testLoss());
        m.put("train_accuracy", r.trainAccuracy());
        m.put("train_loss", r.trainLoss());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int k = 0; k < r.classes().size(); k++) perClass.put(r.classes().get(k), finite(r.perClassAccuracy()[k]));
        m.put("per_class_accuracy", perClass);
        m.put("classes", r.classes());
        m.put("confusion", r.confusion());
        m.put("epochs", r.epochs());
        m.put("seconds", r.seconds());
        return m;
    }

    /** Writes both files into {@code dir} and returns their paths. */
    public static List<Path> write(Path dir, LinearProbe.Result r, Map<String, Object> inputs, Map<String, Object> options,
                                   String source) throws IOException {
        Map<String, Object> m = toMap(r, inputs, options);
        Path json = dir.resolve(JSON_FILE);
        Path png = dir.resolve(CONFUSION_FILE);
        m.put("confusion_png", CONFUSION_FILE);
        ConfusionPlot.write(r.confusion(), r.classes(), ConfusionPlot.title(source, r.testAccuracy()), png);
        AtomicFiles.writeString(json, JSON.writeValueAsString(m) + "\n");
        return List.of(json, png);
    }

    /** JSON has no NaN: a class without test rows is null. */
    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
