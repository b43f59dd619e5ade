package dev.flynn.cli;

import dev.flynn.FlynnVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;

/**
 * {@code flynn}: what this machine offers ({@code info}), the benchmark suite ({@code bench}) and one
 * expression measured on every backend ({@code eval}). Bad input exits with status 2 and one line that
 * names the bad value and the valid ones; a run that cannot start here (no requested backend can run)
 * exits with status 1 before measuring anything.
 */
@Command(name = "flynn", mixinStandardHelpOptions = true, versionProvider = FlynnCommand.Version.class,
        description = "Data-parallel kernels on every backend: scalar, SIMD, GPU and C.",
        subcommands = {InfoCommand.class, BenchCommand.class, EvalCommand.class, CommandLine.HelpCommand.class})
public final class FlynnCommand implements Runnable {
    /** Exit status of bad input, as picocli and most Unix tools use it. */
    static final int BAD_INPUT = 2;

    /** Exit status of a run that cannot be done here, or failed. */
    static final int CANNOT_RUN = 1;

    private final Context context;

    @Spec
    private CommandSpec spec;

    FlynnCommand(Context context) {
        this.context = context;
    }

    public static void main(String[] args) {
        System.exit(execute(Context.system(), args));
    }

    /** Runs the command line {@code args}; the exit status. */
    static int execute(Context context, String... args) {
        CommandLine cl = new CommandLine(new FlynnCommand(context));
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setParameterExceptionHandler(FlynnCommand::badInput);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("flynn: " + (e instanceof Plan.CannotRun ? e.getMessage() : e.toString()));
            cmd.getErr().flush();
            return CANNOT_RUN;
        });
        return cl.execute(args);
    }

    Context context() {
        return context;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no command given; valid: info, bench, eval, help");
    }

    private static int badInput(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            // picocli's own suggestions: the nearest options and subcommands of the command at hand
            List<String> near = u.getSuggestions();
            if (!near.isEmpty()) {
                message += " (did you mean " + near.stream().limit(3).map(x -> "'" + x + "'")
                        .collect(java.util.stream.Collectors.joining(" or ")) + "?)";
            }
            message += "; see '" + cl.getCommandSpec().qualifiedName() + " --help'";
        }
        cl.getErr().println("flynn: " + message);
        cl.getErr().flush();
        return BAD_INPUT;
    }

    /** The version and commit of the build, as {@code flynn-core} records them. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"flynn " + FlynnVersion.current(), "JDK " + Runtime.version()};
        }
    }
}
