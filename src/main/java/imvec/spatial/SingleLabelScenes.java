package imvec.spatial;

import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.data.MultiLabelSet;

import java.io.IOException;
import java.util.List;

/** An ordinary single-label image set seen as scenes of one label each, so every spatial command takes it. */
public final class SingleLabelScenes implements MultiLabelSet {
    private final ImageSet set;

    public SingleLabelScenes(ImageSet set) {
        this.set = set;
    }

    @Override
    public String spec() {
        return set.spec();
    }

    @Override
    public int size() {
        return set.size();
    }

    @Override
    public List<String> classes() {
        return set.classes();
    }

    @Override
    public int[] labels(int index) {
        return new int[] {set.label(index)};
    }

    @Override
    public String id(int index) {
        return set.id(index);
    }

    @Override
    public Image read(int index) throws IOException {
        return set.read(index);
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
