package imvec.cli;

import imvec.explore.Browser;
import imvec.explore.ExploreRun;
import imvec.explore.ExploreServer;
import imvec.explore.Layouts;
import imvec.explore.SpatialExplorer;
import imvec.explore.ThumbnailAtlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "explore", description = "A local web explorer over a run: every image on a zoomable map, hover, search, select and label.")
final class ExploreCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--run", required = true, description = "The run directory (made by extract).")
    Path run;

    @Option(names = "--layer", description = "The layer to map (default: the last layer before the classifier output).")
    String layer;

    @Option(names = "--port", defaultValue = "0", description = "Port (default: any free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default ${DEFAULT-VALUE}); anything else is reachable from other machines.")
    String host;

    @Option(names = "--no-browser", description = "Only print the URL; do not open a browser.")
    boolean noBrowser;

    @Option(names = "--thumbnail", description = "Thumbnail side in pixels (default 32 up to 16,384 images, 16 beyond).")
    Integer thumbnail;

    @Option(names = "--spatial", description = "A spatial model directory (from `imvec spatial train`): any word searches, localises and lays out the images; painted grids search them.")
    Path spatial;

    @Option(names = "--words", description = "Word vectors for --spatial (default: the file the model was trained with).")
    Path words;

    @Option(names = "--names", description = "TSV of class id → names for --spatial (default: the model's, if any).")
    Path names;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new imvec.util.UserError("--port must be 0 to 65535; got " + port + ".");
        if ((words != null || names != null) && spatial == null) throw new imvec.util.UserError("--words and --names go with --spatial MODEL_DIR.");
        ExploreRun r = ExploreRun.open(run, layer);
        ThumbnailAtlas atlas;
        try (ProgressBar bar = common.progress("thumbnails")) {
            atlas = ThumbnailAtlas.open(r, thumbnail != null ? thumbnail : ThumbnailAtlas.defaultTile(r.n()), d -> bar.update(d, r.n()));
        }
        // The region cache builds in the background: the page is usable (and shows its progress) meanwhile.
        SpatialExplorer model = spatial == null ? null : SpatialExplorer.open(r, spatial, words, names);
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            common.warn("listening on " + host + ": anyone who can reach it and has the URL's token can see the images and change labels.");
        }
        ExploreServer server = ExploreServer.builder().setRun(r).setAtlas(atlas).optHost(host).optPort(port).optSpatial(model).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "imvec-explore-stop"));
        server.layouts().compute(Layouts.Kind.PCA2);
        if (common.json) common.printJson(Map.of("url", server.url().toString(), "run", run.toString(), "layer", r.layer()));
        else System.out.println(server.url());
        System.out.flush();
        if (!noBrowser) Browser.open(server.url());
        if (model != null) {
            try (ProgressBar bar = common.progress("spatial region embeddings")) {
                model.await(d -> bar.update(d, r.n()));
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        stopped.await();
        return 0;
    }
}
