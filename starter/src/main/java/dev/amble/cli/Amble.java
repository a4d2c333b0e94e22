package dev.amble.cli;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.look.LogsCommand;
import dev.amble.cli.look.StatusCommand;
import dev.amble.cli.look.WorkspaceCommand;
import dev.amble.cli.parts.CodecServerCommand;
import dev.amble.cli.parts.InitCommand;
import dev.amble.cli.parts.NotifyCommand;
import dev.amble.cli.parts.ServerCommand;
import dev.amble.cli.parts.VersionsCommand;
import dev.amble.cli.parts.WorkerCommand;
import dev.amble.cli.start.CheckCommand;
import dev.amble.cli.start.DemoCommand;
import dev.amble.cli.start.PlanCommand;
import dev.amble.cli.start.RunCommand;
import dev.amble.cli.start.ScheduleCommand;
import dev.amble.cli.steer.CancelCommand;
import dev.amble.cli.steer.CatchCommand;
import dev.amble.cli.steer.ListenCommand;
import dev.amble.cli.steer.ReleaseCommand;
import dev.amble.cli.steer.RetryCommand;
import dev.amble.cli.steer.SkipCommand;
import dev.amble.cli.steer.UnlockCommand;
import dev.amble.failure.Failures;
import dev.amble.worker.LimitedHttpServer;
import dev.amble.worker.LocalTemporal;
import io.grpc.StatusRuntimeException;
import io.temporal.failure.TemporalException;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code amble} command: durable, rolling Ansible maintenance on Temporal. */
@Command(
    name = "amble",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Walks a fleet through Ansible maintenance host by host, low and slow, as durable Temporal"
          + " workflows: a crash of the CLI, the worker or the server loses nothing, and a host"
          + " that finished is never contacted again.",
      ""
    },
    subcommands = {
      DemoCommand.class,
      WorkspaceCommand.class,
      InitCommand.class,
      PlanCommand.class,
      CheckCommand.class,
      RunCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      CatchCommand.class,
      ReleaseCommand.class,
      RetryCommand.class,
      SkipCommand.class,
      CancelCommand.class,
      ScheduleCommand.class,
      UnlockCommand.class,
      NotifyCommand.class,
      ListenCommand.class,
      WorkerCommand.class,
      VersionsCommand.class,
      ServerCommand.class,
      CodecServerCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  done; for a rollout, every walked host succeeded",
      "  1  the rollout is caught, or ended with failed hosts, aborted or cancelled",
      "  2  bad input (Amblefile, option, name): nothing was started",
      "  3  Temporal is unreachable, or failed a request",
      "  4  amble failed unexpectedly (a bug: AMBLE_DEBUG=1 shows where)",
      "",
      "Environment:",
      "  AMBLE_FILE          the Amblefile, when -f is not given",
      "  AMBLE_WORKSPACE     the workspace, when -w is not given",
      "  AMBLE_ANSIBLE_BIN   the folder of ansible-playbook (default: .venv, then PATH)",
      "  AMBLE_BECOME_PASSWORD  the become password for worker, init, --embedded",
      "  AMBLE_VAULT_PASSWORD_FILE  the Ansible Vault password file, for the same and plan",
      "  TEMPORAL_ADDRESS    Temporal's frontend (default " + LocalTemporal.DEFAULT_ADDRESS + ")",
      "  TEMPORAL_NAMESPACE  the namespace (default: default)",
      "  TEMPORAL_TLS*, TEMPORAL_API_KEY   TLS and Temporal Cloud (see the README)",
      "  AMBLE_TASK_QUEUE    the task queue of amble's workers (default amble)",
      "  AMBLE_DEBUG=1       print the stack trace of an unexpected error",
      "",
      "Amblefile problems are reported as FILE:LINE:COL: path.to.key: message.",
      ""
    })
public final class Amble implements Runnable, Invocation.Root {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description =
          "The Amblefile (give it before the command). Default: $AMBLE_FILE, else"
              + " ./Amblefile.yml.")
  String file;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Invocation invocation;

  public Amble() {
    this(System.getenv(), Path.of("").toAbsolutePath());
  }

  Amble(Map<String, String> env, Path cwd) {
    this.invocation =
        new Invocation(
            env, cwd, () -> Optional.ofNullable(file), () -> spec.commandLine().getErr());
  }

  @Override
  public Invocation invocation() {
    return invocation;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(
        execute(
            new Amble(),
            args,
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
  }

  /** Runs the command line; the exit code is returned, not acted on (tests call this). */
  static int execute(Amble amble, String[] args, PrintWriter out, PrintWriter err) {
    // Before any HTTP server of this process exists: the JDK reads its limits once.
    LimitedHttpServer.applyLimits();
    CommandLine cli = new CommandLine(amble);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof Exit exit) {
            if (exit.getMessage() != null && !exit.getMessage().isEmpty()) {
              commandLine.getErr().println(exit.getMessage());
            }
            return exit.code();
          }
          return unexpected(e, amble.invocation.env(), commandLine.getErr());
        });
    cli.setParameterExceptionHandler(
        (e, argv) -> {
          CommandLine c = e.getCommandLine();
          Optional<String> misplaced = misplacedFile(e);
          if (misplaced.isPresent()) {
            c.getErr().println(misplaced.get());
            return ExitCode.BAD_INPUT;
          }
          c.getErr().println("amble: " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, c.getErr());
          c.getErr().println("Try `" + c.getCommandSpec().qualifiedName() + " --help`.");
          return ExitCode.BAD_INPUT;
        });
    return cli.execute(args);
  }

  /**
   * {@code -f FILE} (or {@code --file}) given after the command, where no command knows it: where
   * it goes instead.
   */
  static Optional<String> misplacedFile(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)
        || e.getCommandLine().getParent() == null) {
      return Optional.empty();
    }
    List<String> args = unmatched.getUnmatched();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      Optional<String> file =
          arg.equals("-f") || arg.equals("--file")
              ? Optional.of(i + 1 < args.size() ? args.get(i + 1) : "FILE")
              : arg.startsWith("--file=")
                  ? Optional.of(arg.substring("--file=".length()))
                  : Optional.empty();
      if (file.isPresent()) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        String root = e.getCommandLine().getCommandSpec().root().name();
        return Optional.of(
            "amble: -f FILE goes before the command: "
                + root
                + " -f "
                + file.get()
                + command.substring(root.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * An exception no command turned into an {@link Exit}: one line on stderr (the stack trace too
   * with AMBLE_DEBUG=1); exit code 2 when a payload cannot be decrypted with this command's keys, 3
   * when it is Temporal's answer, else 4. Never 1, which says something of the rollout.
   */
  static int unexpected(Exception e, Map<String, String> env, PrintWriter err) {
    if (e instanceof InterruptedException) {
      return ExitCode.INTERRUPTED;
    }
    boolean debug = "1".equals(env.get("AMBLE_DEBUG"));
    Optional<Throwable> codec =
        causes(e).filter(PayloadCodecException.class::isInstance).findFirst();
    if (codec.isPresent()) {
      // A key this command lacks (its message names the key ID and the setting): a setting to fix.
      err.println("amble: " + codec.get().getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCode.BAD_INPUT;
    }
    Optional<Throwable> grpc =
        causes(e).filter(StatusRuntimeException.class::isInstance).findFirst();
    boolean temporal = grpc.isPresent() || causes(e).anyMatch(TemporalException.class::isInstance);
    Throwable root = causes(e).reduce((first, second) -> second).orElse(e);
    String what =
        grpc.isPresent()
            ? "Temporal failed a request: " + grpc.get().getMessage()
            : temporal
                ? "Temporal: " + Failures.oneLine(e)
                : "unexpected error: " + e + (root == e ? "" : ", caused by " + root);
    err.println(
        "amble: "
            + what.replaceAll("\\s+", " ").strip()
            + (debug ? "" : " (AMBLE_DEBUG=1 shows where)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return temporal ? ExitCode.NO_TEMPORAL : ExitCode.INTERNAL_ERROR;
  }

  private static Stream<Throwable> causes(Throwable t) {
    return Stream.iterate(t, c -> c != null, Throwable::getCause).limit(20);
  }
}
