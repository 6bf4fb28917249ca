package imvec.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

import java.util.ArrayList;
import java.util.List;

/** Builds an architecture's layer list one named block at a time, so an entry reads like the net. */
final class LayerStack {
    private final List<NamedBlock> layers = new ArrayList<>();

    /** 3×3 convolution with padding 1, so the spatial size is kept and only pooling shrinks it. */
    LayerStack conv3x3(String name, int filters) {
        return add(name, "Conv", Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .build());
    }

    LayerStack batchNorm(String name) {
        return add(name, "BatchNormalization", BatchNorm.builder().build());
    }

    LayerStack relu(String name) {
        return add(name, "Relu", Activation.reluBlock());
    }

    LayerStack maxPool2x2(String name) {
        return add(name, "MaxPool", Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }

    LayerStack flatten(String name) {
        return add(name, "Flatten", Blocks.batchFlattenBlock());
    }

    LayerStack dense(String name, int units) {
        return add(name, "Gemm", Linear.builder().setUnits(units).build());
    }

    LayerStack dropout(String name, float rate) {
        return add(name, "Dropout", Dropout.builder().optRate(rate).build());
    }

    /** conv, batch norm, ReLU: the names are {@code prefix}, {@code prefix_bn}, {@code prefix_relu}. */
    LayerStack convBnRelu(String prefix, int filters) {
        return conv3x3(prefix, filters).batchNorm(prefix + "_bn").relu(prefix + "_relu");
    }

    private LayerStack add(String name, String opType, ai.djl.nn.Block block) {
        layers.add(new NamedBlock(name, opType, block));
        return this;
    }

    List<NamedBlock> build() {
        return List.copyOf(layers);
    }
}
