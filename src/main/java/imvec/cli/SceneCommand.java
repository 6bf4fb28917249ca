package imvec.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code imvec scenes}: the data and evaluation side of the spatial model (issue 13). */
@Command(name = "scenes", description = "Mosaic scenes with masks, seen/unseen class splits, and the evaluation of spatial scores (mAP, hit@k, mIoU, map search).",
        subcommands = {SceneMosaicCommand.class, SceneSplitCommand.class, SceneEvalCommand.class, SceneSearchCommand.class})
final class SceneCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: mosaic, split, eval or search");
    }
}
