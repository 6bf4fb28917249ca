package imvec.train;

import imvec.util.UserError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The networks imvec can train. A new architecture is one new entry in {@link #REGISTRY}. */
public final class Architectures {
    private static final Map<String, Architecture> REGISTRY = new LinkedHashMap<>();

    static {
        register(new Architecture("fm-cnn",
                "two conv+pool stages (32, 64 filters) and a 128-unit dense layer, for 28×28 grey images",
                1, 28, 28, "fc1_relu", Architectures::fashionMnistCnn));
        register(new Architecture("cifar-cnn",
                "VGG-style: three stages of two 3×3 conv+BN+ReLU (32, 64, 128 filters) and a 256-unit dense layer, for 32×32 RGB images",
                3, 32, 32, "fc1_relu", Architectures::cifarCnn));
    }

    private Architectures() {
    }

    private static void register(Architecture architecture) {
        REGISTRY.put(architecture.name(), architecture);
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Architecture get(String name) {
        Architecture architecture = REGISTRY.get(name);
        if (architecture == null) {
            throw new UserError("Unknown architecture '" + name + "'; choose one of " + String.join(", ", names()) + ".");
        }
        return architecture;
    }

    // Batch norm after each conv lets Adam at 1e-3 converge within the two-epoch budget; light
    // dropout (0.25) because two epochs barely overfit, and 0.5 cost accuracy at this budget.
    private static List<NamedBlock> fashionMnistCnn(int classes) {
        return new LayerStack()
                .convBnRelu("conv1", 32).maxPool2x2("pool1")
                .convBnRelu("conv2", 64).maxPool2x2("pool2")
                .flatten("flatten")
                .dense("fc1", 128).relu("fc1_relu")
                .dropout("dropout", 0.25f)
                .dense("logits", classes)
                .build();
    }

    // Widths are kept small (32-64-128) so an epoch of CIFAR-10 fits a few minutes on 2 cores.
    private static List<NamedBlock> cifarCnn(int classes) {
        return new LayerStack()
                .convBnRelu("conv1_1", 32).convBnRelu("conv1_2", 32).maxPool2x2("pool1")
                .convBnRelu("conv2_1", 64).convBnRelu("conv2_2", 64).maxPool2x2("pool2")
                .convBnRelu("conv3_1", 128).convBnRelu("conv3_2", 128).maxPool2x2("pool3")
                .flatten("flatten")
                .dense("fc1", 256).relu("fc1_relu")
                .dropout("dropout", 0.5f)
                .dense("logits", classes)
                .build();
    }
}
