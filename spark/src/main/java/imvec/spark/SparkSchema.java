package imvec.spark;

import imvec.extract.LayerRequest;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Parquet rows of a Spark extraction: {@code id}, {@code label}, {@code class_index},
 * {@code error} (null for an image that decoded, else why it did not), one float array column per
 * layer, and with top-k {@code topk_model_indices} (the model's class indices) and {@code topk_probs}.
 * Layer columns are named {@code layer_} plus the layer name with anything but letters, digits
 * and {@code _} replaced, since ONNX names hold {@code /} and {@code :}; the manifest maps them back.
 */
public final class SparkSchema {
    public static final String ID = "id";
    public static final String LABEL = "label";
    public static final String CLASS_INDEX = "class_index";
    public static final String ERROR = "error";
    public static final String TOPK_INDICES = "topk_model_indices";
    public static final String TOPK_PROBS = "topk_probs";

    private SparkSchema() {
    }

    /** Layer name → column name, in request order; a numeric suffix keeps clashing names apart. */
    public static Map<String, String> layerColumns(List<LayerRequest> layers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (LayerRequest l : layers) {
            String base = "layer_" + l.name().replaceAll("[^A-Za-z0-9_]", "_");
            String col = base;
            for (int k = 2; out.containsValue(col); k++) col = base + "_" + k;
            out.put(l.name(), col);
        }
        return out;
    }

    static StructType of(List<LayerRequest> layers, boolean topK) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField(ID, DataTypes.StringType, false));
        f.add(DataTypes.createStructField(LABEL, DataTypes.StringType, false));
        f.add(DataTypes.createStructField(CLASS_INDEX, DataTypes.IntegerType, false));
        f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        for (String col : layerColumns(layers).values()) {
            f.add(DataTypes.createStructField(col, DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        if (topK) {
            f.add(DataTypes.createStructField(TOPK_INDICES, DataTypes.createArrayType(DataTypes.IntegerType, false), true));
            f.add(DataTypes.createStructField(TOPK_PROBS, DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        return DataTypes.createStructType(f);
    }
}
