package imvec.onnx;

import imvec.model.ModelCard;
import imvec.util.UserError;

import java.util.Arrays;

/** Fills what a model card leaves out from the ONNX graph: input name, channels, size, normalisation. */
final class CardCompletion {
    private CardCompletion() {
    }

    /**
     * {@code card} with its gaps filled from the graph: input name, channels and size from the
     * input's shape, stretch resize, mean 0 and std 1. Without a card, the output layer is the
     * model's first declared output, which for exported classifiers is the prediction.
     */
    static ModelCard complete(ModelCard card, OnnxGraph graph, boolean channelsLast) {
        return complete(card, graph, channelsLast, new int[3]);
    }

    /**
     * As {@link #complete(ModelCard, OnnxGraph, boolean)}, with the channels, height and width the
     * user asked for ({@code --channels}, {@code --size}; 0 where not given) laid over the card:
     * they are what a graph with an open input size needs when no card gives it.
     */
    static ModelCard complete(ModelCard card, OnnxGraph graph, boolean channelsLast, int[] askedChw) {
        int[] chw = channelsHeightWidth(graph.inputShape(), channelsLast);
        checkAsked(askedChw, chw, graph);
        if (card != null) card = card.withInputSize(askedChw[0], askedChw[1], askedChw[2]);
        for (int i = 0; i < 3; i++) if (askedChw[i] > 0) chw[i] = askedChw[i];
        if (card == null) {
            int c = Math.max(chw[0], 1);
            String output = graph.declaredOutputs().isEmpty() ? null : graph.declaredOutputs().get(0);
            return new ModelCard(graph.inputName(), chw[0], chw[1], chw[2], "stretch", filled(c, 0), filled(c, 1),
                    null, null, output, null, null, null, null);
        }
        if (card.input() != null && !card.input().equals(graph.inputName())) {
            throw new UserError("the card of " + graph.path().getFileName() + " names input '" + card.input()
                    + "' but the model's input is '" + graph.inputName() + "'.");
        }
        checkSize(card, graph, chw);
        int channels = card.channels() > 0 ? card.channels() : chw[0];
        int c = Math.max(channels, 1);
        return new ModelCard(graph.inputName(), channels,
                card.height() > 0 ? card.height() : chw[1], card.width() > 0 ? card.width() : chw[2],
                card.resize() != null ? card.resize() : "stretch",
                card.mean() != null ? card.mean() : filled(c, 0), card.std() != null ? card.std() : filled(c, 1),
                card.classesFile(), card.classes(), card.outputLayer(), card.featureLayer(), card.licence(), card.source(),
                card.sampling(), card.classOrder(), card.url(), card.sha256());
    }

    /** Asked-for sizes must fit the sizes the graph fixes. */
    private static void checkAsked(int[] asked, int[] chw, OnnxGraph graph) {
        String model = graph.path().getFileName().toString();
        if (asked[0] > 0 && chw[0] > 0 && asked[0] != chw[0]) {
            throw new UserError("--channels " + asked[0] + " does not fit " + model + ", which takes " + chw[0] + " input channels.");
        }
        if ((asked[1] > 0 && chw[1] > 0 && asked[1] != chw[1]) || (asked[2] > 0 && chw[2] > 0 && asked[2] != chw[2])) {
            throw new UserError("--size " + asked[1] + "x" + asked[2] + " does not fit " + model + ", which takes "
                    + chw[1] + "x" + chw[2] + " images.");
        }
    }

    /**
     * A card whose size or channels contradict what the graph fixes would feed tensors the model
     * rejects deep inside ONNX Runtime; say so up front instead. Open (symbolic) sizes accept any.
     */
    private static void checkSize(ModelCard card, OnnxGraph graph, int[] chw) {
        String model = graph.path().getFileName().toString();
        if (card.channels() > 0 && chw[0] > 0 && card.channels() != chw[0]) {
            throw new UserError("the card of " + model + " says " + card.channels() + " input channels but the model takes "
                    + chw[0] + ".");
        }
        boolean heightWrong = card.height() > 0 && chw[1] > 0 && card.height() != chw[1];
        boolean widthWrong = card.width() > 0 && chw[2] > 0 && card.width() != chw[2];
        if (heightWrong || widthWrong) {
            throw new UserError("the card of " + model + " says input size " + card.height() + "×" + card.width()
                    + " but the model takes " + (chw[1] > 0 ? chw[1] : "any") + "×" + (chw[2] > 0 ? chw[2] : "any") + ".");
        }
    }

    /** Channels, height, width of a 4-D image input; 0 where the graph leaves a size open. */
    private static int[] channelsHeightWidth(long[] shape, boolean channelsLast) {
        if (shape.length != 4) return new int[3];
        long[] chw = channelsLast ? new long[] {shape[3], shape[1], shape[2]} : new long[] {shape[1], shape[2], shape[3]};
        return Arrays.stream(chw).mapToInt(d -> d > 0 ? (int) d : 0).toArray();
    }

    private static float[] filled(int n, float value) {
        float[] out = new float[n];
        Arrays.fill(out, value);
        return out;
    }
}
