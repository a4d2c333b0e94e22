package dev.amble.worker;

import com.uber.m3.tally.Scope;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.RunningProcesses;
import dev.amble.ansible.VaultPassword;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.codec.RefusedPayload;
import dev.amble.content.ContentStore;
import dev.amble.content.ContentWorkflowImpl;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.WalkStartActivitiesImpl;
import dev.amble.logs.LogPruner;
import dev.amble.logs.LogWorkflow;
import dev.amble.logs.LogWorkflowImpl;
import dev.amble.notify.DeliveryActivitiesImpl;
import dev.amble.notify.NoticeActivitiesImpl;
import dev.amble.notify.NotifierClient;
import dev.amble.notify.NotifierWorkflow;
import dev.amble.notify.NotifierWorkflowImpl;
import dev.amble.pages.PageActivitiesImpl;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.RolloutWorkflowImpl;
import dev.amble.schedule.LaunchActivitiesImpl;
import dev.amble.schedule.LauncherWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.payload.codec.PayloadCodecException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The amble worker: rollout and host workflows, and the Ansible activities, on one task queue. */
public final class AmbleWorker {
  public static final String DEFAULT_TASK_QUEUE = "amble";

  /**
   * How amble's workflows are registered: one whose input this worker cannot or will not read (a
   * key it does not have, or no encryption where it holds keys) fails, with a message naming the
   * reason, instead of retrying its workflow task until someone notices.
   */
  public static final WorkflowImplementationOptions WORKFLOWS =
      WorkflowImplementationOptions.newBuilder()
          .setFailWorkflowExceptionTypes(
              PayloadCodecException.class, RefusedPayload.RefusedPayloadException.class)
          .build();

  /** The gauge of Ansible processes this worker runs right now. */
  static final String ANSIBLE_PROCESSES = "amble_ansible_processes";

  /**
   * Ansible runs a worker does at once unless told otherwise: {@code amble worker}'s default, and
   * the embedded worker's (which before ran 8, fewer than a rollout at concurrency 10 walks at
   * once).
   */
  public static final int DEFAULT_PARALLEL_ANSIBLE = 16;

  /** Notification deliveries this worker runs at once, apart from its Ansible slots. */
  static final int DELIVERY_SLOTS = 20;

  /**
   * @param maxParallelAnsible how many Ansible runs this worker does at once (each is a process)
   * @param identity written into host locks, e.g. {@code worker@machine}
   * @param contents where the worker keeps its copies of rollouts' content
   * @param workspaces where it keeps each workspace's logs and rendered playbooks, a folder each
   * @param keepLogs how long it keeps a log (pruned at start, and by {@link LogPruner} callers)
   * @param vaultPassword the Ansible Vault password it hands to every Ansible run, if any
   */
  public record Settings(
      String taskQueue,
      int maxParallelAnsible,
      Optional<BecomePassword> becomePassword,
      String identity,
      Path contents,
      Path workspaces,
      Duration keepLogs,
      Optional<VaultPassword> vaultPassword) {
    public Settings(
        String taskQueue,
        int maxParallelAnsible,
        Optional<BecomePassword> becomePassword,
        String identity,
        Path contents,
        Path workspaces,
        Duration keepLogs) {
      this(
          taskQueue,
          maxParallelAnsible,
          becomePassword,
          identity,
          contents,
          workspaces,
          keepLogs,
          Optional.empty());
    }

    /** These settings, with the Ansible Vault password {@code vault}. */
    public Settings withVaultPassword(Optional<VaultPassword> vault) {
      return new Settings(
          taskQueue,
          maxParallelAnsible,
          becomePassword,
          identity,
          contents,
          workspaces,
          keepLogs,
          vault);
    }

    public Settings(
        String taskQueue,
        int maxParallelAnsible,
        Optional<BecomePassword> becomePassword,
        String identity,
        Path contents,
        Path workspaces) {
      this(
          taskQueue,
          maxParallelAnsible,
          becomePassword,
          identity,
          contents,
          workspaces,
          LogPruner.DEFAULT_KEEP);
    }

    /** Settings with the worker's folders in their place under {@link ContentFolders#home}. */
    public static Settings inHome(
        String taskQueue,
        int maxParallelAnsible,
        Optional<BecomePassword> becomePassword,
        String identity,
        Map<String, String> env,
        Duration keepLogs) {
      Path home = ContentFolders.home(env);
      return new Settings(
          taskQueue,
          maxParallelAnsible,
          becomePassword,
          identity,
          home.resolve("content"),
          home.resolve("workspaces"),
          keepLogs);
    }
  }

  private AmbleWorker() {}

  /**
   * The client a worker polls with: with {@code keys}, {@code client}'s connection and options, but
   * reading only payloads encrypted with one of them ({@link EncryptionCodec#workerDataConverter}),
   * so that whoever can reach Temporal but lacks the key cannot make this worker run anything.
   */
  public static WorkflowClient refusingPlaintext(WorkflowClient client, Optional<CodecKeys> keys) {
    if (keys.isEmpty()) {
      return client;
    }
    return WorkflowClient.newInstance(
        client.getWorkflowServiceStubs(),
        WorkflowClientOptions.newBuilder(client.getOptions())
            .setDataConverter(EncryptionCodec.workerDataConverter(keys.get()))
            .build());
  }

  /** Registers everything on a new factory and starts polling. */
  public static WorkerFactory start(
      WorkflowClient client,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env) {
    return start(client, settings, ansible, env, Versioning.off());
  }

  /** Registers everything on a new factory, versioned as {@code versioning}, and starts polling. */
  public static WorkerFactory start(
      WorkflowClient client,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env,
      Versioning versioning) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(new ResetRunsRefused())
                .build());
    register(factory, settings, ansible, env, versioning);
    factory.start();
    return factory;
  }

  public static Worker register(
      WorkerFactory factory,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env) {
    return register(factory, settings, ansible, env, Versioning.off());
  }

  /**
   * Registers everything on {@code factory}. The task queue and the deliveries' queue are polled as
   * {@code versioning}'s deployment version; the worker's own log queue stays unversioned (it is
   * named after this worker, and no other build ever polls it).
   */
  /** The rollout's implementation: pinned on a versioned worker only (see Versioning.pinning). */
  static Class<? extends RolloutWorkflowImpl> rolloutType(Versioning versioning) {
    return versioning.pinning() ? RolloutWorkflowImpl.class : RolloutWorkflowImpl.Unversioned.class;
  }

  /** The host walk's implementation: pinned on a versioned worker only. */
  static Class<? extends HostWorkflowImpl> hostWalkType(Versioning versioning) {
    return versioning.pinning() ? HostWorkflowImpl.class : HostWorkflowImpl.Unversioned.class;
  }

  public static Worker register(
      WorkerFactory factory,
      Settings settings,
      AnsibleInstallation ansible,
      Map<String, String> env,
      Versioning versioning) {
    // The identity Temporal records with each activity this worker runs: `amble logs` reads a
    // step's log through the task queue named after it.
    Worker worker =
        factory.newWorker(
            settings.taskQueue(),
            versioning
                .apply(WorkerOptions.newBuilder())
                .setIdentity(settings.identity())
                .setMaxConcurrentActivityExecutionSize(settings.maxParallelAnsible())
                // A graceful stop lets runs in progress end (GracefulStop): without this, their
                // next heartbeat throws at once and ends them.
                .setAllowActivityHeartbeatDuringShutdown(true)
                .build());
    Worker logs =
        factory.newWorker(
            LogWorkflow.taskQueue(settings.identity()),
            WorkerOptions.newBuilder().setIdentity(settings.identity()).build());
    logs.registerWorkflowImplementationTypes(WORKFLOWS, LogWorkflowImpl.class);
    logs.registerActivitiesImplementations(new LogActivitiesImpl(settings.workspaces()));
    LogPruner.prune(settings.workspaces(), settings.keepLogs(), Clock.systemUTC());
    worker.registerWorkflowImplementationTypes(
        WORKFLOWS,
        rolloutType(versioning),
        hostWalkType(versioning),
        PageWorkflowImpl.class,
        ContentWorkflowImpl.class,
        NotifierWorkflowImpl.class,
        LauncherWorkflowImpl.class);
    // The client's stubs carry the metrics scope (a no-op one unless --metrics-address is given).
    Scope metrics =
        factory.getWorkflowClient().getWorkflowServiceStubs().getOptions().getMetricsScope();
    RunningProcesses running =
        new RunningProcesses(
            n -> metrics.gauge(ANSIBLE_PROCESSES).update(n), settings.maxParallelAnsible());
    ProcessRunner runner =
        new ProcessRunner(ansible, settings.becomePassword(), env, running)
            .withVaultPassword(settings.vaultPassword());
    TemporalPages pages = new TemporalPages(factory.getWorkflowClient(), settings.taskQueue());
    ContentFolders contents =
        new ContentFolders(
            settings.contents(),
            settings.workspaces(),
            Optional.of(new ContentStore(factory.getWorkflowClient(), settings.taskQueue())),
            Clock.systemUTC());
    contents.evict();
    DeliveryActivitiesImpl deliveries =
        new DeliveryActivitiesImpl(
            env, new FailedOutput(factory.getWorkflowClient()), Clock.systemUTC());
    worker.registerActivitiesImplementations(
        new TimedHostActivities(
            new HostActivitiesImpl(runner, settings.identity(), Clock.systemUTC(), contents)),
        new WorkspaceActivitiesImpl(runner, Optional.of(pages), contents),
        new HealthCheckActivitiesImpl(runner, contents),
        new PageActivitiesImpl(pages),
        new WalkEndActivitiesImpl(),
        new WalkStartActivitiesImpl(),
        new NoticeActivitiesImpl(
            new NotifierClient(
                factory.getWorkflowClient(), settings.taskQueue(), NotifierWorkflow.GIVE_UP_AFTER)),
        deliveries, // those scheduled on this queue before deliveries had a queue of their own
        new LaunchActivitiesImpl(factory.getWorkflowClient(), Clock.systemUTC()));
    // Deliveries on a queue of their own: a slow receiver holds none of the slots Ansible jobs
    // need (each attempt is bounded to 30 s besides).
    factory
        .newWorker(
            NotifierWorkflow.deliveryQueue(settings.taskQueue()),
            versioning
                .apply(WorkerOptions.newBuilder())
                .setIdentity(settings.identity())
                .setMaxConcurrentActivityExecutionSize(DELIVERY_SLOTS)
                .build())
        .registerActivitiesImplementations(deliveries);
    return worker;
  }
}
