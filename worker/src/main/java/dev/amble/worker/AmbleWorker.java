package dev.amble.worker;

import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.ProcessRunner;
import dev.amble.health.HealthCheckActivitiesImpl;
import dev.amble.host.HostActivitiesImpl;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.pages.PageActivitiesImpl;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.RolloutWorkflowImpl;
import dev.amble.rollout.WorkspaceActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The amble worker: rollout and host workflows, and the Ansible activities, on one task queue. */
public final class AmbleWorker {
  public static final String DEFAULT_TASK_QUEUE = "amble";

  /**
   * @param maxParallelAnsible how many Ansible runs this worker does at once (each is a process)
   * @param identity written into host locks, e.g. {@code worker@machine}
   */
  public record Settings(
      String taskQueue,
      int maxParallelAnsible,
      Optional<BecomePassword> becomePassword,
      String identity) {}

  private AmbleWorker() {}

  /** Registers everything on a new factory and starts polling. */
  public static WorkerFactory start(
      WorkflowClient client,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    register(factory, settings, ansible, env);
    factory.start();
    return factory;
  }

  public static Worker register(
      WorkerFactory factory,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env) {
    Worker worker =
        factory.newWorker(
            settings.taskQueue(),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(settings.maxParallelAnsible())
                .build());
    worker.registerWorkflowImplementationTypes(
        RolloutWorkflowImpl.class, HostWorkflowImpl.class, PageWorkflowImpl.class);
    ProcessRunner runner = new ProcessRunner(ansible, settings.becomePassword(), env);
    TemporalPages pages = new TemporalPages(factory.getWorkflowClient(), settings.taskQueue());
    worker.registerActivitiesImplementations(
        new HostActivitiesImpl(runner, settings.identity(), Clock.systemUTC()),
        new WorkspaceActivitiesImpl(runner, Optional.of(pages)),
        new HealthCheckActivitiesImpl(runner),
        new PageActivitiesImpl(pages));
    return worker;
  }
}
