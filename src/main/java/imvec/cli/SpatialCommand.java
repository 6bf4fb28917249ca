package imvec.cli;

import picocli.CommandLine.Command;

@Command(name = "spatial", description = "The spatial visual-semantic model: words compared with every location of a conv map.",
        subcommands = {SpatialTrainCommand.class, SpatialScoreCommand.class, SpatialProjectCommand.class, SpatialLocaliseCommand.class,
                SpatialDiversityCommand.class, SpatialClusterCommand.class, SpatialPcaCommand.class})
final class SpatialCommand {
}
