package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.model.Backbone;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "extract", description = "Run a model over a dataset and store the chosen layers in a run directory.")
final class ExtractCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ExtractOptions options;

    @Option(names = "--data", required = true, description = "Dataset spec: fashion-mnist:train|test, idx:IMAGES,LABELS, cifar10-binary:DIR, cifar100-binary:DIR, folder:PATH.")
    String data;

    @Option(names = "--chunk", defaultValue = "512", description = "Images per committed chunk; a killed run resumes from the last chunk (default ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--keep-maps", description = "Also store unpooled spatial maps under maps/.")
    boolean keepMaps;

    @Option(names = "--strict", description = "Fail on the first unreadable image instead of skipping it.")
    boolean strict;

    @Option(names = "--allow-truncated", description = "Keep images whose file ends early (padded by the decoder) instead of skipping them as unreadable.")
    boolean allowTruncated;

    @Option(names = "--out", required = true, description = "Run directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ImageSet set = DataSpecs.open(data, options.labels);
        try (Backbone model = modelOptions.open(); ProgressBar bar = common.progress("extract")) {
            Preprocess pre = modelOptions.preprocess(model);
            Extractor.Builder b = Extractor.builder().setData(set).setBackbone(model).setPreprocess(pre)
                    .setLayers(options.layers(model))
                    .optTopK(options.topk).optTopKLayer(options.topkLayer).optBatchSize(options.batch).optChunkSize(chunk)
                    .optKeepMaps(keepMaps).optStrict(strict).optAllowTruncated(allowTruncated).optForce(options.force)
                    .optSeed(options.seed).optLabelsFile(options.labels == null ? null : options.labels.toString())
                    .optListener(new Extractor.Listener() {
                        public void progress(long done, long total) { bar.update(done, total); }
                        public void warn(String m) { common.warn(m); }
                    });
            if (options.modelClasses != null) b.optModelClasses(options.modelClasses());
            Extractor.Result r = b.build().run(out);
            bar.close();
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("run", out.toString());
            res.put("rows", r.rows());
            res.put("skipped", r.skipped());
            res.put("layers", r.manifest().layers());
            res.put("seconds", r.seconds());
            res.put("images_per_second", r.imagesPerSecond());
            res.put("resumed_chunks", r.resumedChunks());
            res.put("already_complete", r.alreadyComplete());
            res.put("extracted", r.extracted());
            if (common.json) {
                common.printJson(res);
            } else if (r.alreadyComplete()) {
                System.out.printf("%s is already complete (%d rows); nothing to do.%n", out, r.rows());
            } else if (r.extracted() == 0) {
                System.out.printf("Every image was already extracted by an earlier run; stored its %d rows × %d layers in %s (%.1f s).%n",
                        r.rows(), r.manifest().layers().size(), out, r.seconds());
                for (var l : r.manifest().layers()) System.out.printf("  %-40s %s  pool=%s%n", l.name(), java.util.Arrays.toString(l.shape()), l.pool());
            } else {
                System.out.printf("Stored %d images × %d layers in %s (%.1f s, %.1f images/s%s%s).%n", r.rows(),
                        r.manifest().layers().size(), out, r.seconds(), r.imagesPerSecond(),
                        r.resumedChunks() > 0 ? ", resumed after " + r.resumedChunks() + " chunks" : "",
                        r.skipped() > 0 ? ", " + r.skipped() + " unreadable images skipped" : "");
                for (var l : r.manifest().layers()) System.out.printf("  %-40s %s  pool=%s%n", l.name(), java.util.Arrays.toString(l.shape()), l.pool());
            }
            return 0;
        }
    }
}
