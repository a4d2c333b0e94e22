package dev.amble.cli.parts;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.amble.amblefile.DurationText;
import dev.amble.ansible.AnsiblePreflight;
import dev.amble.cli.common.AnsiblePasswords;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkerLog;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.logs.LogPruner;
import dev.amble.release.Release;
import dev.amble.worker.AmbleWorker;
import dev.amble.worker.GracefulStop;
import dev.amble.worker.MetricsEndpoint;
import dev.amble.worker.Versioning;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble worker}: the process that runs rollouts and Ansible. */
@Command(
    header = "Runs a worker: rollouts and their Ansible.",
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs an amble worker: it polls Temporal for rollout and host workflows and runs their Ansible"
          + " (ansible-playbook, ansible-inventory) on this machine. Run one or more; a rollout moves to"
          + " another worker when one dies (after --heartbeat-timeout of silence, 30s by default).",
      "",
      "SIGTERM or Ctrl-C stops it gracefully: it takes no new work and waits up to --stop-timeout for"
          + " Ansible runs in progress, which end as usual; then it stops what still runs, as a"
          + " worker fault: each such run is retried on another worker, and no host is failed for"
          + " it.",
      ""
    })
public final class WorkerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin TemporalOptions temporal;
  @Mixin AnsiblePasswords passwords;
  @Mixin MetricsOption metricsOption;

  @Option(
      names = "--max-parallel-ansible",
      paramLabel = "N",
      defaultValue = "" + AmbleWorker.DEFAULT_PARALLEL_ANSIBLE,
      description = "Ansible runs at once on this machine. Default: ${DEFAULT-VALUE}.")
  int maxParallel;

  @Option(
      names = "--stop-timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description =
          "On SIGTERM, how long Ansible runs in progress may take to finish. Default: ${DEFAULT-VALUE}.")
  int stopTimeout;

  @Option(
      names = "--keep-logs",
      paramLabel = "DURATION",
      defaultValue = "${env:AMBLE_KEEP_LOGS:-30d}",
      description =
          "How long this worker keeps Ansible logs (under $XDG_CACHE_HOME/amble/workspaces/WORKSPACE/"
              + "logs/, ~/.cache when unset); older ones are deleted at start and every 6 hours. A"
              + " failed step's last lines stay in history. Default: $AMBLE_KEEP_LOGS, else 30d.")
  String keepLogs;

  /**
   * For the worker-upgrade end-to-end test: this worker's host walks differ from those of its build
   * (HostWorkflowImpl#changeWalkForUpgradeTest).
   */
  static final String CHANGED_WALK = "AMBLE_TEST_CHANGED_WALK";

  /** The environment's equivalent of {@code --insecure-plaintext}, for the systemd unit's file. */
  static final String INSECURE_PLAINTEXT = "AMBLE_INSECURE_PLAINTEXT";

  @Option(
      names = "--insecure-plaintext",
      description =
          "Run without a payload key: this worker then runs any rollout that anyone who can reach"
              + " the Temporal frontend starts, with this machine's Ansible, keys and become"
              + " password. Without it, a worker with no key (AMBLE_CODEC_KEY_FILE,"
              + " AMBLE_CODEC_KEYS, or the local server's .amble/server/codec.key) refuses to"
              + " start. Also "
              + INSECURE_PLAINTEXT
              + "=true.")
  boolean insecurePlaintext;

  @Override
  public Integer call() throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    PrintWriter err = spec.commandLine().getErr();
    ((Logger) LoggerFactory.getLogger("dev.amble")).setLevel(Level.INFO);
    var password = passwords.become(amble.env());
    var vaultPassword = passwords.vault(amble.env());
    var ansible = amble.ansible();
    Duration keep =
        DurationText.parse(keepLogs)
            .filter(d -> !d.isNegative() && !d.isZero())
            .orElseThrow(
                () ->
                    Exit.badInput(
                        "amble: --keep-logs: \""
                            + keepLogs
                            + "\" is not a duration (30d, 12h, 90m)"));
    AnsiblePreflight.problem(ansible, amble.env())
        .ifPresent(
            problem -> {
              throw Exit.badInput("amble worker: Ansible cannot run here: " + problem);
            });
    Optional<Path> log = WorkerLog.start("worker");
    Optional<MetricsEndpoint> metrics = metricsOption.start(amble.env());
    TemporalSession session = connect(amble, metrics);
    boolean plaintext =
        insecurePlaintext
            || amble.env().getOrDefault(INSECURE_PLAINTEXT, "").matches("(?i)true|1|yes");
    if (session.codecKeys().isEmpty() && !plaintext) {
      session.close();
      metrics.ifPresent(MetricsEndpoint::close);
      throw Exit.badInput(
          "amble worker: refusing to start without a payload key: a worker without one runs any"
              + " rollout that anyone who can reach Temporal at "
              + session.address
              + " starts. Give it the key the CLI encrypts with (AMBLE_CODEC_KEY_FILE=FILE, or"
              + " AMBLE_CODEC_KEYS; `amble server` made .amble/server/codec.key), or accept that"
              + " risk with --insecure-plaintext ("
              + INSECURE_PLAINTEXT
              + "=true).");
    }
    if (session.codecKeys().isEmpty()) {
      LoggerFactory.getLogger(WorkerCommand.class)
          .warn(
              "running without a payload key (--insecure-plaintext): any rollout started through"
                  + " Temporal at {} runs here",
              session.address);
      err.println(
          "amble worker: WARNING: --insecure-plaintext: no payload key; any rollout started through"
              + " Temporal at "
              + session.address
              + " runs on this machine.");
    }
    AmbleWorker.Settings settings =
        AmbleWorker.Settings.inHome(
                session.taskQueue,
                maxParallel,
                password,
                Identity.controller("worker"),
                amble.env(),
                keep)
            .withVaultPassword(vaultPassword);
    if (amble.env().getOrDefault(CHANGED_WALK, "").equals("1") && Release.current().development()) {
      HostWorkflowImpl.changeWalkForUpgradeTest();
    }
    String namespace = session.client.getOptions().getNamespace();
    Versioning versioning =
        Versioning.forServer(
            session.client.getWorkflowServiceStubs(),
            namespace,
            session.taskQueue,
            Versioning.buildId(amble.env()));
    GracefulStop.prepare();
    WorkerFactory factory =
        AmbleWorker.start(
            AmbleWorker.refusingPlaintext(session.client, session.codecKeys()),
            settings,
            ansible,
            amble.env(),
            versioning);
    Thread firstCurrent =
        new Thread(
            () -> {
              try {
                versioning.makeCurrentIfNone(
                    session.client.getWorkflowServiceStubs(),
                    namespace,
                    settings.identity(),
                    Duration.ofMinutes(1));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LoggerFactory.getLogger(WorkerCommand.class)
                    .warn("could not read the deployment's current version", e);
              }
            },
            "amble-first-current-version");
    firstCurrent.setDaemon(true);
    firstCurrent.start();
    err.printf(
        "amble worker: polling task queue %s on %s (namespace %s), up to %d Ansible runs at once, %s%s%s; amble %s, %s.%s%n",
        session.taskQueue,
        session.address,
        namespace,
        maxParallel,
        session.encryption(),
        (password.isPresent() ? ", with a become password" : "")
            + (vaultPassword.isPresent() ? ", with a vault password" : ""),
        metrics.map(m -> ", metrics at " + m.url()).orElse(""),
        Release.current(),
        versioning.label(),
        log.map(f -> " Log: " + f).orElse(""));
    err.flush();
    ScheduledExecutorService pruning =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "amble-log-pruning");
              t.setDaemon(true);
              return t;
            });
    // A task that throws is never run again: an unexpected failure is logged, and the next round
    // prunes as usual.
    pruning.scheduleWithFixedDelay(
        () -> {
          try {
            LogPruner.prune(settings.workspaces(), keep, Clock.systemUTC());
          } catch (RuntimeException e) {
            LoggerFactory.getLogger(WorkerCommand.class).warn("pruning logs failed", e);
          }
        },
        6,
        6,
        TimeUnit.HOURS);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              GracefulStop.stop(factory, Duration.ofSeconds(stopTimeout), err);
              session.close();
              metrics.ifPresent(MetricsEndpoint::close);
              err.println("amble worker: stopped");
              err.flush();
              stopped.countDown();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return ExitCode.OK;
  }

  /**
   * Connects with the endpoint's metrics scope; an endpoint of a worker that never ran is closed.
   */
  private TemporalSession connect(Invocation amble, Optional<MetricsEndpoint> metrics) {
    try {
      return metrics.isEmpty()
          ? TemporalSession.connect(amble, temporal)
          : TemporalSession.connect(amble, temporal, metrics.get().scope());
    } catch (RuntimeException e) {
      metrics.ifPresent(MetricsEndpoint::close);
      throw e;
    }
  }
}
