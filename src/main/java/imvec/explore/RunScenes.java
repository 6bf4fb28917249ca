package imvec.explore;

import imvec.data.Image;
import imvec.data.MultiLabelSet;

import java.io.IOException;
import java.util.List;

/**
 * A run's images in the run's row order, seen as single-label scenes, so the spatial model's
 * backbone maps line up with the explorer's rows. Images are read through the run (by id).
 */
final class RunScenes implements MultiLabelSet {
    private final ExploreRun run;

    RunScenes(ExploreRun run) {
        this.run = run;
    }

    @Override
    public String spec() {
        return run.manifest().data() == null ? run.dir().toString() : run.manifest().data().spec();
    }

    @Override
    public int size() {
        return run.n();
    }

    @Override
    public List<String> classes() {
        return run.classes();
    }

    @Override
    public int[] labels(int index) {
        int l = run.label(index);
        return l < 0 ? new int[0] : new int[] {l};
    }

    @Override
    public String id(int index) {
        return run.id(index);
    }

    @Override
    public Image read(int index) throws IOException {
        return run.image(index);
    }

    @Override
    public boolean hasMasks() {
        return false;
    }

    @Override
    public Mask mask(int index) {
        return null;
    }
}
