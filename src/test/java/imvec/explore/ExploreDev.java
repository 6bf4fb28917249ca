package imvec.explore;

import java.nio.file.Path;

/** Starts the explorer on the fixture run for looking at the page by hand: java ... ExploreDev DIR. */
final class ExploreDev {
    public static void main(String[] args) throws Exception {
        Path run = ExploreFixture.build(Path.of(args[0]));
        System.out.println(run);
    }
}
