package dev.amble.cli;

import dev.amble.amblefile.Amount;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.Strategy;
import dev.amble.amblefile.SortOrder;
import dev.amble.ansible.BecomePassword;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.visibility.AmbleSearchAttributes;
import dev.amble.visibility.Descriptions;
import dev.amble.worker.LocalTemporal;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/** What run and check share: the options of a rollout, starting it, and following it. */
final class RolloutLauncher {
  @picocli.CommandLine.Mixin LimitOption limit = new LimitOption();

  @Option(
      names = {"-s", "--sort-order"},
      paramLabel = "ORDER",
      description = "shuffle, ascending or descending. Default: the workspace's sort_order.")
  String sortOrder;

  @Option(names = "--seed", paramLabel = "N", description = "Shuffle seed (see `amble plan --seed`). Default: random.")
  Long seed;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Hosts walked at once (a sliding window). Default: the workspace's concurrency.")
  Integer concurrency;

  @Option(
      names = "--waves",
      paramLabel = "SIZES",
      split = ",",
      description = "Wave sizes, e.g. 1,5,10%%,25%%: a canary, then growing waves, the last size repeating. Default: the workspace's waves.")
  List<String> waves;

  @Option(
      names = "--pause-between-waves",
      paramLabel = "DURATION",
      description = "Wait between waves (90s, 10m, 1h), or `manual`: caught after each wave until released.")
  String pause;

  @Option(names = "--bake-time", paramLabel = "DURATION", description = "How long each finished wave bakes before its post-checks.")
  String bakeTime;

  @Option(
      names = "--max-failures",
      paramLabel = "N|P%",
      description = "Failed hosts tolerated (a count, or a percentage of the walked hosts); one more catches the rollout. Default: the workspace's, 0.")
  String maxFailures;

  @Option(names = "--max-failures-per-wave", paramLabel = "N|P%", description = "The same, within each wave.")
  String maxFailuresPerWave;

  @Option(names = "--unreachable", paramLabel = "POLICY", description = "fail, skip or retry: how an unreachable host counts.")
  String unreachable;

  @Option(
      names = "--unreachable-attempts",
      paramLabel = "N",
      description = "With retry: how many more times an unreachable host is tried (1 to 100). Default: the workspace's, 3.")
  Integer unreachableAttempts;

  @Option(
      names = "--unreachable-backoff",
      paramLabel = "DURATION",
      description = "With retry: the wait before the first retry, doubling after each. Default: the workspace's, 30s.")
  String unreachableBackoff;

  @Option(names = "--stomp-locks", description = "Take hosts whose lock another workspace holds.")
  boolean stompLocks;

  @Option(
      names = "--detach",
      description = "Start the rollout and return at once; follow it with `amble status --watch`.")
  boolean detach;

  @Option(
      names = "--embedded",
      description =
          "Run Temporal's test server and a worker inside this command. For trying amble: nothing"
              + " survives the command.")
  boolean embedded;

  /** The help of --embedded-port, here and on {@code amble demo}. */
  static final String EMBEDDED_PORT_HELP =
      "The embedded server's port on 127.0.0.1 (0: any free port). Default: "
          + LocalTemporal.FRONTEND_PORT
          + ", else any free port when that is taken.";

  @Option(
      names = "--embedded-port",
      paramLabel = "PORT",
      description = EMBEDDED_PORT_HELP + " Only with --embedded.")
  Integer embeddedPort;

  @Option(
      names = "--heartbeat-timeout",
      paramLabel = "SECONDS",
      hidden = true,
      description = "How long a silent worker keeps its work before another takes it over.")
  Integer heartbeatSeconds;

  /** The --embedded-port, if given. */
  OptionalInt embeddedPort() {
    return embeddedPort == null ? OptionalInt.empty() : OptionalInt.of(embeddedPort);
  }

  /** What run and check do: the workspace, the become password (only with --embedded), then {@link #launch}. */
  int launch(
      picocli.CommandLine.Model.CommandSpec spec,
      WorkspaceOption workspace,
      TemporalOptions temporal,
      BecomePasswordOptions become,
      boolean check)
      throws InterruptedException {
    Amble amble = Amble.of(spec);
    String ws = amble.workspace(workspace.get());
    PrintWriter err = spec.commandLine().getErr();
    Optional<BecomePassword> password = Optional.empty();
    if (embedded) {
      password = become.read(amble.env());
    } else {
      become.refuseHere(check ? "check" : "run", amble.env(), err);
    }
    return launch(amble, ws, temporal, check, password, spec.commandLine().getOut(), err);
  }

  /** Starts the rollout of the workspace and, unless detached, follows it; returns the exit code. */
  int launch(Amble amble, String workspace, TemporalOptions temporal, boolean check, Optional<BecomePassword> become, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    Definition d = definition(amble.amblefile().definition(workspace));
    if (d.workspace().requireLimit() && limit.get().isEmpty()) {
      throw Exit.badInput(
          "amble: workspace " + workspace + " requires --limit (require_limit: true): name the hosts to walk");
    }
    if (embeddedPort != null && !embedded) {
      throw Exit.badInput("amble: --embedded-port goes with --embedded");
    }
    if (detach && embedded) {
      throw Exit.badInput("amble: --detach and --embedded do not go together: the embedded server ends with this command");
    }
    int window = concurrency != null ? concurrency : d.workspace().concurrency();
    if (window < 1 || window > 1000) {
      throw Exit.badInput("amble: --concurrency must be between 1 and 1000, got " + window);
    }
    long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    try (TemporalSession session = TemporalSession.open(amble, temporal, embedded, embeddedPort(), become, err)) {
      WorkflowClient client = session.client;
      RolloutRequest request =
          new RolloutRequest(
              d,
              limit.get(),
              chosenSeed,
              window,
              check,
              stompLocks,
              Identity.operator(),
              heartbeatSeconds != null ? Duration.ofSeconds(heartbeatSeconds) : RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT,
              RolloutRequest.DEFAULT_EVENTS_PER_RUN,
              session.searchAttributes());
      WorkflowOptions.Builder options =
          WorkflowOptions.newBuilder()
              .setWorkflowId(RolloutRequest.workflowId(workspace))
              .setTaskQueue(session.taskQueue)
              .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
              .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
              .setStaticSummary(Descriptions.rolloutSummary(request))
              .setStaticDetails(Descriptions.rolloutDetails(request));
      if (session.searchAttributes()) {
        options.setTypedSearchAttributes(AmbleSearchAttributes.rollout(workspace, "planning"));
      }
      RolloutWorkflow wf = client.newWorkflowStub(RolloutWorkflow.class, options.build());
      WorkflowExecution started;
      try {
        started = WorkflowClient.start(wf::run, RolloutInput.start(request));
      } catch (WorkflowExecutionAlreadyStarted e) {
        Rollouts.Found running = Rollouts.require(client, workspace);
        throw Exit.badInput(
            "amble: workspace "
                + workspace
                + " already has a rollout running: "
                + running.workflowId()
                + " (run "
                + running.runId()
                + ", started "
                + running.started()
                + "). Follow it with `amble status --watch -w "
                + workspace
                + "`, pause it with `amble catch -w "
                + workspace
                + "`.");
      }
      out.printf(
          "%s of workspace %s started: workflow %s, %s, %d at a time%s (Temporal %s, workflow ID %s, run %s).%n",
          check ? "Check" : "Rollout",
          workspace,
          d.workflow().name(),
          d.workspace().sortOrder().word() + (d.workspace().sortOrder() == SortOrder.SHUFFLE ? " (seed " + request.seed() + ")" : ""),
          window,
          limit.get().isEmpty() ? "" : ", limited to \"" + limit.pattern + "\"",
          session.address,
          started.getWorkflowId(),
          started.getRunId());
      out.flush();
      session.missingSearchAttributes.filter(m -> !m.isEmpty()).ifPresent(missing -> {
        err.printf(
            "amble: namespace %s lacks amble's search attributes %s (Keyword), so the Web UI cannot filter"
                + " this rollout's workflows: see the README (`amble server` adds them to its own server).%n",
            client.getOptions().getNamespace(),
            String.join(", ", missing));
        err.flush();
      });
      if (!session.isEmbedded() && !Rollouts.workerPolling(client, session.taskQueue)) {
        err.printf(
            "amble: no worker polls task queue %s: the rollout waits until one starts (`amble worker`).%n",
            session.taskQueue);
        err.flush();
      }
      if (detach) {
        out.printf("Detached. Follow it with `amble status --watch -w %s`.%n", workspace);
        return ExitCode.OK;
      }
      Thread hook = detachMessage(workspace, session.isEmbedded(), err);
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return new RolloutWatcher(out, err, System.console() != null, Duration.ofSeconds(1))
            .watch(client, workspace, Rollouts.untyped(client, started.getWorkflowId(), started.getRunId()), session.isEmbedded());
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: Ctrl-C
        }
      }
    }
  }

  /** The workspace's definition, with what the options override. */
  Definition definition(Definition given) {
    Definition d = withStrategy(given);
    if (sortOrder == null) {
      return d;
    }
    SortOrder order =
        SortOrder.fromWord(sortOrder)
            .orElseThrow(
                () -> Exit.badInput("amble: --sort-order must be one of " + String.join(", ", SortOrder.words()) + ", got \"" + sortOrder + "\""));
    return new Definition(d.amblefile(), d.folder(), d.workspace().withSortOrder(order), d.workflow(), d.jobs());
  }

  /** The workspace's strategy, with what the options override. */
  private Definition withStrategy(Definition d) {
    Strategy s = d.workspace().strategy();
    List<Amount> sizes = s.waves();
    if (waves != null) {
      sizes = waves.stream().map(w -> amount("--waves", w, 1)).toList();
    }
    Optional<Duration> pauseFor = s.pauseBetweenWaves();
    boolean manual = s.manualPause();
    if (pause != null) {
      manual = pause.equals("manual");
      pauseFor = manual ? Optional.empty() : Optional.of(duration("--pause-between-waves", pause));
    }
    Duration bake = bakeTime == null ? s.bakeTime() : duration("--bake-time", bakeTime);
    Amount max = maxFailures == null ? s.maxFailures() : amount("--max-failures", maxFailures, 0);
    Optional<Amount> perWave =
        maxFailuresPerWave == null ? s.maxFailuresPerWave() : Optional.of(amount("--max-failures-per-wave", maxFailuresPerWave, 0));
    Strategy.Unreachable u = s.unreachable();
    if (unreachable != null) {
      Strategy.Unreachable.Policy policy;
      try {
        policy = Strategy.Unreachable.Policy.valueOf(unreachable.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw Exit.badInput("amble: --unreachable must be fail, skip or retry, got \"" + unreachable + "\"");
      }
      u =
          switch (policy) {
            case FAIL -> Strategy.Unreachable.FAIL;
            case SKIP -> new Strategy.Unreachable(policy, 0, u.backoff().isZero() ? Duration.ofSeconds(30) : u.backoff());
            case RETRY -> new Strategy.Unreachable(policy, u.attempts() > 0 ? u.attempts() : 3, u.backoff().isZero() ? Duration.ofSeconds(30) : u.backoff());
          };
    }
    u = withRetries(u);
    Strategy changed =
        new Strategy(sizes, pauseFor, manual, bake, max, perWave, u, s.preChecks(), s.postChecks(), s.continuousChecks());
    return new Definition(d.amblefile(), d.folder(), d.workspace().withStrategy(changed), d.workflow(), d.jobs());
  }

  /** The retries of unreachable hosts, with what --unreachable-attempts and -backoff override. */
  private Strategy.Unreachable withRetries(Strategy.Unreachable u) {
    if (unreachableAttempts == null && unreachableBackoff == null) {
      return u;
    }
    if (u.policy() != Strategy.Unreachable.Policy.RETRY) {
      String given =
          unreachableAttempts == null
              ? "--unreachable-backoff"
              : unreachableBackoff == null ? "--unreachable-attempts" : "--unreachable-attempts and --unreachable-backoff";
      throw Exit.badInput(
          "amble: " + given + " only go" + (given.contains(" and ") ? "" : "es") + " with unreachable retry, and this"
              + " rollout's is " + u.policy().word() + ": add --unreachable retry");
    }
    int attempts = unreachableAttempts == null ? u.attempts() : unreachableAttempts;
    if (attempts < 1 || attempts > 100) {
      throw Exit.badInput("amble: --unreachable-attempts must be from 1 to 100, got " + attempts);
    }
    Duration backoff = unreachableBackoff == null ? u.backoff() : duration("--unreachable-backoff", unreachableBackoff);
    return new Strategy.Unreachable(u.policy(), attempts, backoff);
  }

  private static Amount amount(String option, String text, int min) {
    return Amount.parse(text, min)
        .orElseThrow(
            () ->
                Exit.badInput(
                    "amble: " + option + ": \"" + text + "\" is not a number of hosts of at least " + min
                        + " or a percentage like 10%"));
  }

  private static Duration duration(String option, String text) {
    return DurationText.parse(text)
        .orElseThrow(() -> Exit.badInput("amble: " + option + ": \"" + text + "\" is not a duration like 90s, 10m or 1h30m"));
  }

  private static Thread detachMessage(String workspace, boolean embedded, PrintWriter err) {
    return new Thread(
        () -> {
          if (embedded) {
            err.printf("%namble: stopped; the embedded server and its rollout end with this command.%n");
          } else {
            err.printf(
                "%namble: detached; the rollout goes on. Follow it with `amble status --watch -w %s`,"
                    + " pause it with `amble catch -w %s`.%n",
                workspace,
                workspace);
          }
          err.flush();
        });
  }
}
