package dev.amble.worker;

import com.uber.m3.tally.Scope;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.RunningProcesses;
import dev.amble.content.ContentFolders;
import dev.amble.content.ContentStore;
import dev.amble.content.ContentWorkflowImpl;
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
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The amble worker: rollout and host workflows, and the Ansible activities, on one task queue. */
public final class AmbleWorker {
  public static final String DEFAULT_TASK_QUEUE = "amble";

  /** The gauge of Ansible processes this worker runs right now. */
  static final String ANSIBLE_PROCESSES = "amble_ansible_processes";

  /**
   * @param maxParallelAnsible how many Ansible runs this worker does at once (each is a process)
   * @param identity written into host locks, e.g. {@code worker@machine}
   * @param contents where the worker keeps its copies of rollouts' content
   * @param workspaces where it keeps each workspace's logs and rendered playbooks, a folder each
   */
  public record Settings(
      String taskQueue,
      int maxParallelAnsible,
      Optional<BecomePassword> becomePassword,
      String identity,
      Path contents,
      Path workspaces) {
    /** Settings with the worker's folders in their default place ({@link ContentFolders#home}). */
    public Settings(
        String taskQueue,
        int maxParallelAnsible,
        Optional<BecomePassword> becomePassword,
        String identity) {
      this(
          taskQueue,
          maxParallelAnsible,
          becomePassword,
          identity,
          ContentFolders.home(System.getenv()).resolve("content"),
          ContentFolders.home(System.getenv()).resolve("workspaces"));
    }
  }

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
        RolloutWorkflowImpl.class,
        HostWorkflowImpl.class,
        PageWorkflowImpl.class,
        ContentWorkflowImpl.class);
    // The client's stubs carry the metrics scope (a no-op one unless --metrics-address is given).
    Scope metrics =
        factory.getWorkflowClient().getWorkflowServiceStubs().getOptions().getMetricsScope();
    RunningProcesses running =
        new RunningProcesses(n -> metrics.gauge(ANSIBLE_PROCESSES).update(n));
    ProcessRunner runner = new ProcessRunner(ansible, settings.becomePassword(), env, running);
    TemporalPages pages = new TemporalPages(factory.getWorkflowClient(), settings.taskQueue());
    ContentFolders contents =
        new ContentFolders(
            settings.contents(),
            settings.workspaces(),
            Optional.of(new ContentStore(factory.getWorkflowClient(), settings.taskQueue())),
            Clock.systemUTC());
    contents.evict();
    worker.registerActivitiesImplementations(
        new TimedHostActivities(
            new HostActivitiesImpl(runner, settings.identity(), Clock.systemUTC(), contents)),
        new WorkspaceActivitiesImpl(runner, Optional.of(pages), contents),
        new HealthCheckActivitiesImpl(runner, contents),
        new PageActivitiesImpl(pages));
    return worker;
  }
}
