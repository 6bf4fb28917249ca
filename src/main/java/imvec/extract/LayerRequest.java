package imvec.extract;

import imvec.util.UserError;

/**
 * A layer to store and how to pool it. On the command line {@code name} or {@code name@pool};
 * {@code @} because ONNX tensor names often contain {@code :} and {@code /}.
 */
public record LayerRequest(String name, Pool pool) implements java.io.Serializable {
    /** The preprocessed pixels, tapped before the model. */
    public static final String INPUT = "input";

    public static LayerRequest parse(String token, Pool defaultPool) {
        String t = token.trim();
        if (t.isEmpty()) throw new UserError("empty layer name in --layers.");
        int at = t.lastIndexOf('@');
        if (at > 0) return new LayerRequest(t.substring(0, at), Pool.parse(t.substring(at + 1)));
        // Averaging pixels over the image leaves three numbers; the pixels themselves are the point.
        return new LayerRequest(t, t.equals(INPUT) ? Pool.FLATTEN : defaultPool);
    }

    /**
     * Parses a --layers list; {@code all} expands to the pixels and every layer of the model,
     * so the demo can look at the whole network.
     */
    public static java.util.List<LayerRequest> parseAll(java.util.List<String> tokens, Pool defaultPool, imvec.model.Backbone model) {
        java.util.List<LayerRequest> out = new java.util.ArrayList<>();
        for (String t : tokens) {
            if (t.trim().equals("all")) {
                out.add(parse(INPUT, defaultPool));
                for (imvec.model.LayerInfo l : model.layers()) {
                    if (!l.name().equals(INPUT) && !l.opType().equals("Input")) out.add(new LayerRequest(l.name(), defaultPool));
                }
            } else {
                out.add(parse(t, defaultPool));
            }
        }
        return out;
    }

    /** File name for the stored array: tensor names may hold characters unsafe in paths. */
    public String fileName() {
        return name.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
    }
}
