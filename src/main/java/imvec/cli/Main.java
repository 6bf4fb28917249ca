package imvec.cli;

import imvec.util.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code imvec} command: one small class per subcommand, each parsing and printing only.
 * {@code scope = INHERIT} gives every subcommand, at any depth, {@code -h/--help} and {@code -V/--version}.
 */
@Command(name = "imvec", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Make image classifiers readable and tie them to language.",
        subcommands = {DemoCommand.class, TrainCommand.class, LayersCommand.class, ExtractCommand.class,
                PcaCommand.class, SilhouetteCommand.class, BenchCommand.class,
                TsneCommand.class,
                Im2VecCommand.class, ConfusionCommand.class, CentroidsCommand.class, CosineCommand.class, RsaCommand.class,
                ModelsCommand.class, ProbeCommand.class,
                ImportCheckCommand.class, FineTuneCommand.class,
                CompareCommand.class, SpatialCommand.class,
                SemanticsCommand.class, WordsCommand.class, SemanticsPlotCommand.class,
                SceneCommand.class,
                ExploreCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    public static int run(String... args) {
        return execute(commandLine(), args);
    }

    /** The command tree; a module that adds commands (imvec-spark) extends it before {@link #execute}. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /** Runs {@code args} on {@code cl} with imvec's handling of user errors and bad options. */
    public static int execute(CommandLine cl, String... args) {
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("imvec: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return 2;
        });
        return cl.execute(args);
    }

    /** User errors are one sentence; anything else is a bug, with a stack trace only on --verbose. */
    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        Throwable t = ex;
        while (!(t instanceof UserError) && t.getCause() != null && t.getCause() != t) t = t.getCause();
        PrintWriter err = cl.getErr();
        String fileProblem = t instanceof UserError ? null : fileProblem(ex);
        if (t instanceof UserError) {
            err.println("imvec: " + sentence(t.getMessage()));
        } else if (fileProblem != null) {
            err.println("imvec: " + fileProblem);
        } else {
            err.println("imvec: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
        }
        if (verbose) ex.printStackTrace(err);
        err.flush();
        return t instanceof UserError || fileProblem != null ? 1 : 70;
    }

    /**
     * A file the user's machine would not let us use (no permission, a file where a directory
     * must go, a full disk) as one sentence naming it; null when the failure is not of that kind.
     */
    static String fileProblem(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
                String why = switch (f) {
                    case java.nio.file.AccessDeniedException a -> "permission denied";
                    case java.nio.file.FileAlreadyExistsException a -> "something of that name is in the way";
                    case java.nio.file.NoSuchFileException a -> "it does not exist";
                    case java.nio.file.NotDirectoryException a -> "it is not a directory";
                    case java.nio.file.DirectoryNotEmptyException a -> "the directory is not empty";
                    default -> f.getReason() != null ? f.getReason() : "the file system refused";
                };
                return "cannot use " + f.getFile() + " (" + why + ").";
            }
            if (t instanceof java.io.IOException io && imvec.store.OutOfSpaceException.isOutOfSpace(io)) {
                return "the disk ran out of space; free some and run the same command again.";
            }
        }
        return null;
    }

    /** A user error read as one sentence: a full stop added where the message leaves it out. */
    static String sentence(String message) {
        String m = message == null ? "" : message.strip();
        return m.isEmpty() || ".?!".indexOf(m.charAt(m.length() - 1)) >= 0 ? m : m + ".";
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"imvec " + imvec.util.Version.get()};
        }
    }
}
