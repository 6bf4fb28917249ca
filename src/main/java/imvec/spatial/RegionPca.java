package imvec.spatial;

import imvec.analysis.Pca;

/**
 * PCA over every location of every image of the region embeddings (the layer compared with
 * words), each location's blocks scaled to unit length first ({@link RegionEmbeddings#unitRows}).
 * Rows are image-major, then row-major over the H×W map, so row r is image r / (H·W), map row
 * (r mod H·W) / W and column (r mod H·W) mod W.
 */
public final class RegionPca {
    private RegionPca() {
    }

    public static Pca.Result fit(RegionEmbeddings regions, int dims, long seed) {
        return Pca.builder().optComponents(dims).optSeed(seed)
                .optInputName("the region embeddings (" + regions.size() + " images × " + regions.locations() + " locations)")
                .build().fit(regions.unitRows());
    }
}
