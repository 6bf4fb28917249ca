/**
 * Extraction on Apache Spark (the {@code imvec-spark} module, kept out of the main jar).
 * Start at {@link imvec.spark.SparkExtract}: a folder on any Hadoop file system, labelled as
 * {@code folder:} does, preprocessed and run through the ONNX backbone on the executors
 * ({@link imvec.spark.PartitionExtractor}, one session per executor JVM in
 * {@link imvec.spark.ExecutorModels}), written as Parquet ({@link imvec.spark.SparkSchema}) with a
 * manifest beside it. {@link imvec.spark.ParquetImport} turns that into a run directory,
 * {@link imvec.spark.SparkCentroids} computes class centroids without importing, and
 * {@link imvec.spark.SparkBench} with {@link imvec.spark.StandaloneCluster} measures it all.
 *
 * <p>Uses {@code data}, {@code extract}, {@code store}, {@code onnx}, {@code zoo}, {@code classvec}
 * and {@code util} of imvec, in the pipeline layer's place; nothing in imvec depends on it. Its
 * commands live in {@code imvec.cli} of this module ({@code SparkMain} adds them to the CLI).
 */
package imvec.spark;
