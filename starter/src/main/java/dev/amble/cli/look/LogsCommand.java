package dev.amble.cli.look;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.logs.LogPiece;
import dev.amble.logs.LogRequest;
import dev.amble.logs.LogWorkflow;
import dev.amble.logs.RunLogTag;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amble logs HOST}: a host's Ansible output, read from the workers that ran it. */
@Command(
    header = "Prints a host's Ansible output, from whichever worker ran it.",
    name = "logs",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints the Ansible output of HOST's latest walk, step by step (prepare, each job and exit"
          + " job, finish), from any machine that reaches Temporal: each log stays on the worker"
          + " that ran the step, which serves it on a task queue of its own (amble-logs/IDENTITY)"
          + " for as long as it runs and keeps the log (--keep-logs of `amble worker`, 30 days by"
          + " default).",
      "",
      "When that worker is gone or does not answer, it says which worker holds the log and prints"
          + " what history recorded instead: a failed step's last lines (at most 4 KB, as Ansible"
          + " printed them, so a no_log task's output is hidden there too).",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 every log asked for was printed; 1 a worker that holds one did not answer, or"
          + " no longer has it; 2 bad input (no walk of HOST, an unknown --step); 3 Temporal"
          + " unreachable.",
      ""
    })
public final class LogsCommand implements Callable<Integer> {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** How long a piece may wait on the worker for more output, when following. */
  private static final Duration FOLLOW_WAIT = Duration.ofSeconds(5);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "HOST",
      description = "The host, as the workspace's inventory names it.")
  String host;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(
      names = "--step",
      paramLabel = "NAME",
      description =
          "Only this step: prepare, finish, a job's name (or \"job NAME\", \"exit job NAME\"), as"
              + " `amble status --host` lists them.")
  String step;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing as the walk goes on, until it ends.")
  boolean follow;

  @Option(
      names = "--worker-timeout",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "How long a worker may take to answer before it counts as gone. Default: ${DEFAULT-VALUE}.")
  int workerTimeout;

  @Override
  public Integer call() throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    if (workerTimeout < 1) {
      throw Exit.badInput("amble: --worker-timeout must be at least 1, got " + workerTimeout);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      String project = amble.amblefile().project();
      Optional<Rollouts.Found> rollout = Rollouts.find(session.client, project, ws);
      Reader reader = new Reader(session.client, project, ws, out, err);
      int next = 0; // the next step to print
      int headed = -1; // the last step whose header was printed
      String after = ""; // the file name of the last log printed whole
      boolean allRead = true;
      while (true) {
        HostWalk walk = walk(session.client, rollout, project, ws);
        List<HostWalk.Step> steps = steps(walk);
        boolean waited = false;
        while (next < steps.size()) {
          HostWalk.Step s = steps.get(next);
          boolean running = s.tookMillis().isEmpty();
          if (running && s.worker().isEmpty()) {
            break; // no worker has it yet
          }
          if (headed < next || !reader.on(s.worker())) {
            if (step == null) {
              out.printf(
                  "==> %s (%s) on %s <==%n",
                  s.name(), running ? "running" : s.result(), s.worker());
            }
            headed = next;
          }
          if (!running) {
            boolean read = reader.rest(s);
            allRead &= read;
            if (!s.log().isEmpty()) {
              after = Path.of(s.log()).getFileName().toString();
            }
            next++;
            continue;
          }
          waited = true;
          // Its log's name says which step's attempt it is (a worker before that named it only by
          // when its run began: for one, the first log after the step started, less a second for
          // clocks apart, and after the last log printed).
          String tag =
              s.activityId().isEmpty()
                  ? ""
                  : RunLogTag.of(walk.workflowId(), walk.runId(), s.activityId(), s.attempt());
          if (!reader.follows(s, tag)) {
            String began = s.started().map(t -> STAMP.format(t.minusSeconds(1))).orElse("");
            String since = began.compareTo(after) > 0 ? began : after;
            if (!reader.find(s, since, tag)) {
              if (!follow) {
                err.printf("amble: %s is running and has written nothing yet.%n", s.name());
                next++;
              }
              break;
            }
          }
          reader.more(s, follow ? FOLLOW_WAIT : Duration.ZERO);
          if (!follow) {
            err.printf("amble: %s is still running: --follow follows it.%n", s.name());
            next++;
          }
          break;
        }
        out.flush();
        err.flush();
        boolean over = !walk.status().equals("running") && next >= steps.size();
        if (!follow || over) {
          return allRead ? ExitCode.OK : ExitCode.ROLLOUT_FAILED;
        }
        if (!waited) {
          Thread.sleep(1000);
        }
      }
    }
  }

  private HostWalk walk(
      WorkflowClient client, Optional<Rollouts.Found> rollout, String project, String ws) {
    return HostWalk.latest(client, rollout, project, ws, host)
        .orElseThrow(
            () ->
                Exit.badInput(
                    "amble: host "
                        + host
                        + " has no walk in workspace "
                        + ws
                        + " (`amble status --host "
                        + host
                        + "` tells whether the plan skipped it)"));
  }

  /** The walk's steps that ran Ansible on the host, or only the one asked for. */
  private List<HostWalk.Step> steps(HostWalk walk) {
    List<HostWalk.Step> all = walk.steps().stream().filter(HostWalk.Step::runsAnsible).toList();
    if (step == null) {
      return all;
    }
    List<HostWalk.Step> chosen = all.stream().filter(s -> matches(s, step)).toList();
    if (chosen.isEmpty() && !(follow && walk.status().equals("running"))) {
      throw Exit.badInput(
          "amble: host "
              + host
              + " has no step \""
              + step
              + "\" in its walk; its steps: "
              + String.join(", ", all.stream().map(HostWalk.Step::name).toList()));
    }
    return chosen;
  }

  static boolean matches(HostWalk.Step s, String name) {
    return s.name().equals(name)
        || s.name().equals("job " + name)
        || s.name().equals("exit job " + name);
  }

  /** Reads pieces of logs from the workers that hold them, and prints them. */
  private final class Reader {
    private final WorkflowClient client;
    private final String project;
    private final String workspace;
    private final PrintWriter out;
    private final PrintWriter err;

    /** The log of the running step being printed, on which worker, and how far. */
    private String following = "";

    private String followingOn = "";
    private String followingTag = "";
    private long printed;

    Reader(
        WorkflowClient client, String project, String workspace, PrintWriter out, PrintWriter err) {
      this.client = client;
      this.project = project;
      this.workspace = workspace;
      this.out = out;
      this.err = err;
    }

    /** Whether the log being followed is on this worker (a step may move to another). */
    boolean on(String worker) {
      return following.isEmpty() || followingOn.equals(worker);
    }

    /** Whether the log being followed is this attempt's (another attempt writes another log). */
    boolean follows(HostWalk.Step s, String tag) {
      return !following.isEmpty() && followingOn.equals(s.worker()) && followingTag.equals(tag);
    }

    /**
     * Finds the running step's log: the one {@code tag} names ({@link RunLogTag}); on a worker that
     * does not tag its logs' names, the host's first written after {@code since}.
     */
    boolean find(HostWalk.Step s, String since, String tag) throws InterruptedException {
      Optional<LogPiece> p =
          piece(s, new LogRequest(workspace, host, "", since, 0, 0, project, tag), false);
      if (p.isEmpty() || !p.get().found()) {
        return false;
      }
      following = p.get().log();
      followingOn = s.worker();
      followingTag = tag;
      printed = 0;
      return true;
    }

    /** Prints what the followed log has past what was printed, waiting up to {@code wait}. */
    void more(HostWalk.Step s, Duration wait) throws InterruptedException {
      while (true) {
        Optional<LogPiece> p =
            piece(
                s,
                new LogRequest(workspace, host, following, "", printed, wait.toMillis(), project),
                true);
        if (p.isEmpty() || !p.get().found()) {
          return;
        }
        out.print(p.get().text());
        out.flush();
        printed = p.get().next();
        if (!p.get().more()) {
          return;
        }
      }
    }

    /** Prints the rest of an ended step's log; false when its worker could not give it. */
    boolean rest(HostWalk.Step s) throws InterruptedException {
      if (s.log().isEmpty()) {
        recorded(s, "its result names no log");
        return false;
      }
      long at =
          !following.isEmpty()
                  && followingOn.equals(s.worker())
                  && Path.of(following).getFileName().equals(Path.of(s.log()).getFileName())
              ? printed
              : 0;
      following = "";
      while (true) {
        Optional<LogPiece> p =
            piece(s, new LogRequest(workspace, host, s.log(), "", at, 0, project), false);
        if (p.isEmpty()) {
          return false;
        }
        if (!p.get().found()) {
          recorded(
              s,
              "worker "
                  + s.worker()
                  + " no longer has "
                  + s.log()
                  + " ("
                  + p.get().problem()
                  + ")");
          return false;
        }
        out.print(p.get().text());
        at = p.get().next();
        if (!p.get().more()) {
          out.flush();
          return true;
        }
      }
    }

    /**
     * One piece, from the worker that ran the step, through a {@link LogWorkflow} on its own task
     * queue; empty (and said, unless {@code quiet}) when that worker does not answer.
     */
    private Optional<LogPiece> piece(HostWalk.Step s, LogRequest request, boolean quiet)
        throws InterruptedException {
      Duration patience = Duration.ofSeconds(workerTimeout).plusMillis(request.waitMillis());
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              LogWorkflow.class.getSimpleName(),
              WorkflowOptions.newBuilder()
                  .setWorkflowId(LogWorkflow.ID_PREFIX + UUID.randomUUID())
                  .setTaskQueue(LogWorkflow.taskQueue(s.worker()))
                  .setWorkflowExecutionTimeout(patience.plusSeconds(30))
                  .build());
      stub.start(request);
      try {
        return Optional.of(
            stub.getResult(patience.toMillis(), TimeUnit.MILLISECONDS, LogPiece.class));
      } catch (TimeoutException e) {
        try {
          stub.terminate("amble logs: the worker did not answer");
        } catch (RuntimeException ignored) {
          // it may have ended meanwhile; it times out by itself anyway
        }
        if (!quiet) {
          recorded(
              s,
              "worker "
                  + s.worker()
                  + " holds this log and did not answer within "
                  + patience.toSeconds()
                  + "s (stopped, or it cannot reach Temporal)");
        }
        following = "";
        return Optional.empty();
      }
    }

    /** Says why a log could not be read, and prints what history recorded of the step instead. */
    private void recorded(HostWalk.Step s, String why) {
      out.flush();
      err.printf("amble: %s: %s%n", s.name(), why);
      if (s.tail().isEmpty()) {
        err.printf(
            "amble: history holds no lines of it (only a step that did not go well records its"
                + " last lines); its result: %s%n",
            s.result());
      } else {
        err.printf("amble: its last lines, as history recorded them:%n");
        s.tail().forEach(line -> err.printf("    %s%n", line));
      }
      err.flush();
    }
  }
}
