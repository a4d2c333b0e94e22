package dev.amble.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.amble.worker.AmbleWorker;
import dev.amble.worker.MetricsEndpoint;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
          + " Ansible runs in progress, then stops them (they are retried by another worker).",
      ""
    })
final class WorkerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin TemporalOptions temporal;
  @Mixin BecomePasswordOptions become;
  @Mixin MetricsOption metricsOption;

  @Option(
      names = "--max-parallel-ansible",
      paramLabel = "N",
      defaultValue = "16",
      description = "Ansible runs at once on this machine. Default: ${DEFAULT-VALUE}.")
  int maxParallel;

  @Option(
      names = "--stop-timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description =
          "On SIGTERM, how long Ansible runs in progress may take to finish. Default: ${DEFAULT-VALUE}.")
  int stopTimeout;

  @Override
  public Integer call() throws InterruptedException {
    Amble amble = Amble.of(spec);
    PrintWriter err = spec.commandLine().getErr();
    ((Logger) LoggerFactory.getLogger("dev.amble")).setLevel(Level.INFO);
    var password = become.read(amble.env());
    var ansible = amble.ansible();
    Optional<Path> log = WorkerLog.start("worker");
    Optional<MetricsEndpoint> metrics = metricsOption.start(amble.env());
    TemporalSession session = connect(amble, metrics);
    WorkerFactory factory =
        AmbleWorker.start(
            session.client,
            new AmbleWorker.Settings(
                session.taskQueue, maxParallel, password, Identity.controller("worker")),
            ansible,
            amble.env());
    err.printf(
        "amble worker: polling task queue %s on %s (namespace %s), up to %d Ansible runs at once%s%s.%s%n",
        session.taskQueue,
        session.address,
        session.client.getOptions().getNamespace(),
        maxParallel,
        password.isPresent() ? ", with a become password" : "",
        metrics.map(m -> ", metrics at " + m.url()).orElse(""),
        log.map(f -> " Log: " + f).orElse(""));
    err.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              err.printf(
                  "amble worker: stopping: no new work; waiting up to %ds for Ansible runs in progress%n",
                  stopTimeout);
              err.flush();
              factory.shutdown();
              factory.awaitTermination(stopTimeout, TimeUnit.SECONDS);
              factory.shutdownNow();
              factory.awaitTermination(10, TimeUnit.SECONDS);
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
  private TemporalSession connect(Amble amble, Optional<MetricsEndpoint> metrics) {
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
