package imvec.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.data.Downloader;
import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.onnx.OnnxGraph;
import imvec.store.AtomicFiles;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Public ONNX classifiers imvec knows how to fetch, each with the SHA-256 its download must have,
 * and how to write a model card for one once it is on disk.
 *
 * <p>Every URL is pinned to the onnx/models commit whose git-LFS pointer file states the
 * SHA-256 and size recorded here (an LFS pointer's {@code oid} is the SHA-256 of the file
 * itself), so a URL and its hash always belong together even when the zoo moves files.
 */
public final class ModelZoo {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final String IMAGENET_ORDER =
            "ImageNet-1k (ILSVRC2012) synsets in sorted order, index 0 = n01440764 (tench)";
    private static final String ZOO = "https://github.com/onnx/models/raw/";
    private static final String CROP_NOTE = "ImageNet mean/std as the zoo README says; the zoo resizes to 256 and"
            + " centre-crops 224, imvec's crop resizes the shorter side to 224 and centre-crops, keeping a little more context";

    /**
     * One downloadable model.
     *
     * @param name     what {@code imvec models pull} calls it
     * @param url      the pinned download address
     * @param sha256   SHA-256 of the file, from the zoo's git-LFS pointer
     * @param bytes    its size in bytes, from the same pointer
     * @param licence  as the zoo's README for the model states it
     * @param resize   preprocessing the zoo describes: {@code crop} (shorter side, centre crop)
     * @param mean     per-channel mean after scaling to [0,1]
     * @param std      per-channel std
     * @param note     what a user should know about the preprocessing
     */
    public record Entry(String name, String title, URI url, String sha256, long bytes, String licence,
                        String resize, float[] mean, float[] std, String classOrder, String note) {
        /** File name of the downloaded model: the last path segment of the URL. */
        public String fileName() {
            String path = url.getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        imagenet("mobilenetv2", "MobileNet v2 1.0 (MXNet Gluon, opset 7)",
                "13fcb614fdedcc09864c0691c080ccf82ca3b85b", "vision/classification/mobilenet/model/mobilenetv2-7.onnx",
                "c1c513582d56afceff8516c73804e484c81c6a830712ab6d682253f4a3cd042f", 14246826L, "Apache-2.0",
                CROP_NOTE);
        imagenet("resnet18", "ResNet-18 v2 (MXNet Gluon, opset 7)",
                "2a67a85e670e61bf9819e9df6dae3771974552ff", "validated/vision/classification/resnet/model/resnet18-v2-7.onnx",
                "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b", 46806737L, "Apache-2.0",
                CROP_NOTE);
        imagenet("resnet50", "ResNet-50 v2 (MXNet Gluon, opset 7)",
                "b9a54e89508f101a1611cd64f4ef56b9cb62c7cf", "vision/classification/resnet/model/resnet50-v2-7.onnx",
                "1e80e8a7c8eec8e8b20c440d7dd7f2f8590779c7c2859dc4514870dc463845d3", 102442450L, "Apache-2.0",
                CROP_NOTE);
        imagenet("squeezenet", "SqueezeNet 1.0 (Caffe2, opset 8)",
                "4c46cd00fbdb7cd30b6c1c17ab54f2e1f4f7b177", "validated/vision/classification/squeezenet/model/squeezenet1.0-8.onnx",
                "3c0bff2f7c984350d3ffa98e0167dc08c15da88f05d0c31989ebeba6fbb5e025", 4952222L, "Apache-2.0",
                CROP_NOTE);
        imagenet("densenet121", "DenseNet-121 (Caffe2, opset 12)",
                "4c46cd00fbdb7cd30b6c1c17ab54f2e1f4f7b177", "validated/vision/classification/densenet-121/model/densenet-12.onnx",
                "0294e7e88e5b3360de9b0fdc321baf9e6ef18b7f058c4536caae3b9f18ed9ed5", 32726877L, "MIT",
                "the zoo README gives no preprocessing; ImageNet mean/std and a centre crop are assumed (" + CROP_NOTE + ")");
        register(new Entry("efficientnet-lite4", "EfficientNet-Lite4 (TensorFlow, opset 11, channels-last input)",
                URI.create(ZOO + "1455c7548852a276312aad28413d60558ac2dcfa/vision/classification/efficientnet-lite4/model/efficientnet-lite4.onnx"),
                "d111689907c06eea7c82e4833ddef758da6453b9d4cf60b7e99ca05c7cbd9c12", 51946641L, "MIT", "crop",
                new float[] {127f / 255, 127f / 255, 127f / 255}, new float[] {128f / 255, 128f / 255, 128f / 255},
                "ImageNet-1k, the order of the zoo's labels_map.txt",
                "(x − 127) / 128 on 0–255 pixels after a centre crop; the zoo crops 87.5% of a larger resize, imvec crops the shorter side"));
    }

    private ModelZoo() {
    }

    private static void imagenet(String name, String title, String commit, String path, String sha256, long bytes,
                                 String licence, String note) {
        register(new Entry(name, title, URI.create(ZOO + commit + "/" + path), sha256, bytes, licence, "crop",
                IMAGENET_MEAN, IMAGENET_STD, IMAGENET_ORDER, note));
    }

    private static void register(Entry e) {
        REGISTRY.put(e.name(), e);
    }

    public static List<Entry> entries() {
        return List.copyOf(REGISTRY.values());
    }

    /** The entry called {@code name} (case-insensitive); a user error naming the choices otherwise. */
    public static Entry get(String name) {
        Entry e = REGISTRY.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new UserError("no known model is called '" + name + "'" + Suggestions.didYouMean(name, REGISTRY.keySet())
                    + " (known: " + String.join(", ", REGISTRY.keySet()) + ").");
        }
        return e;
    }

    /** What {@link #pull} made: the model file and its card. */
    public record Pulled(Entry entry, Path model, Path cardFile, ModelCard card) {
    }

    /**
     * Downloads {@code entry} into {@code dir} (skipped when a file with the right SHA-256 is
     * there) and writes its card beside it as {@code <file>.json}.
     */
    public static Pulled pull(Entry entry, Path dir, Downloader downloader, Downloader.Progress progress) {
        Path target = dir.resolve(entry.fileName());
        String remedy = "pulling needs internet access to github.com, or save that file by hand as " + target;
        downloader.fetch(new Downloader.Item(entry.url(), target, entry.sha256(), remedy), progress);
        ModelCard card = cardFor(entry, OnnxGraph.read(target));
        Path cardFile = OnnxBackbone.cardPath(target);
        try {
            AtomicFiles.writeString(cardFile, JSON.writeValueAsString(card) + "\n");
        } catch (IOException e) {
            throw new UserError("cannot write the model card " + cardFile + ": " + e.getMessage(), e);
        }
        return new Pulled(entry, target, cardFile, card);
    }

    /**
     * The card of a downloaded model: preprocessing and licence from the registry, input name
     * and size from the graph, the first declared output as the classifier output, and the
     * tensor the last classifier op reads as the default feature layer.
     */
    static ModelCard cardFor(Entry e, OnnxGraph graph) {
        long[] s = graph.inputShape();
        boolean last = OnnxBackbone.isChannelsLast(s);
        int c = dim(s, last ? 3 : 1), h = dim(s, last ? 1 : 2), w = dim(s, last ? 2 : 3);
        String output = graph.declaredOutputs().isEmpty() ? null : graph.declaredOutputs().get(0);
        return new ModelCard(graph.inputName(), c, h, w, e.resize(), e.mean(), e.std(), null, null, output,
                graph.penultimateLayer(), e.licence(), e.title() + " from the ONNX model zoo; " + e.note(), null,
                e.classOrder(), e.url().toString(), e.sha256());
    }

    private static int dim(long[] shape, int i) {
        return shape.length == 4 && shape[i] > 0 ? (int) shape[i] : 0;
    }
}
