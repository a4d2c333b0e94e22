package dev.amble.cli.steer;

import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.OverrideException;
import dev.amble.amblefile.RolloutOverrides;
import dev.amble.cli.common.AmblefileLocation;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalSession;
import dev.amble.content.ContentException;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import dev.amble.failure.Failures;
import dev.amble.listen.EventMessage;
import dev.amble.listen.Outcome;
import dev.amble.listen.Steering;
import dev.amble.rollout.CancelRequest;
import dev.amble.rollout.CatchRequest;
import dev.amble.rollout.Caught;
import dev.amble.rollout.ReleaseRequest;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutSummary;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.schedule.LauncherWorkflow;
import dev.amble.schedule.ScheduledRollout;
import dev.amble.worker.ContentFolders;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What {@code amble listen} does with a message, through the same paths as the commands: a run
 * starts the schedules' launcher once per message (its workflow ID derived from the message, never
 * reused within the namespace's retention), which starts the rollout under the workspace's mutex;
 * catch, release and cancel are the rollout's updates (or signals with no worker), each under an
 * update ID of its own, answered duplicate when that update was applied before, refused when stale.
 */
final class ListenSteering implements Steering {
  private final TemporalSession session;
  private final ContentFolders contents;
  private final Map<String, String> env;

  ListenSteering(TemporalSession session, ContentFolders contents, Map<String, String> env) {
    this.session = session;
    this.contents = contents;
    this.env = env;
  }

  @Override
  public Outcome handle(EventMessage m, String source) {
    try {
      return switch (m.action()) {
        case RUN -> run(m, source);
        case CATCH -> steer(m, source);
        case RELEASE -> steer(m, source);
        case CANCEL -> steer(m, source);
      };
    } catch (Exit e) {
      return Outcome.refused(e.getMessage().replaceFirst("^amble: ", ""));
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      return Outcome.unavailable("Temporal did not answer: " + Failures.oneLine(e));
    }
  }

  private static String by(EventMessage m, String source) {
    return "event " + source + " " + m.id();
  }

  private Outcome run(EventMessage m, String source) {
    WorkflowClient client = session.client;
    String digest = m.content().orElseThrow();
    ContentRef kept =
        new ContentStore(client, session.taskQueue)
            .find(digest)
            .orElseThrow(
                () ->
                    new EventMessage.Refused(
                        Outcome.unknown(
                            "content "
                                + digest
                                + " is not kept in Temporal (`amble listen --put-content` keeps a"
                                + " folder and prints its digest)")));
    Path folder;
    try {
      folder = contents.copy(kept);
    } catch (ContentException | UncheckedIOException e) {
      return Outcome.unknown("content " + digest + ": " + e.getMessage());
    }
    ContentRef ref =
        new ContentRef(kept.digest(), kept.bytes(), files(folder), kept.chunks(), kept.commit());
    Path file = folder.resolve(AmblefileLocation.DEFAULT_NAME);
    if (!Files.isRegularFile(file)) {
      return Outcome.unknown("content " + digest + " has no " + AmblefileLocation.DEFAULT_NAME);
    }
    Amblefile amblefile;
    try {
      amblefile = AmblefileLoader.load(file, AmblefileLocation.DEFAULT_NAME);
    } catch (AmblefileException e) {
      return Outcome.refused("the content's Amblefile: " + e.report().strip());
    }
    if (!amblefile.project().equals(m.project())) {
      return Outcome.unknown(
          "the content's project is " + amblefile.project() + ", not " + m.project());
    }
    if (amblefile.workspace(m.workspace()).isEmpty()) {
      return Outcome.unknown(
          "the content's Amblefile has no workspace "
              + m.workspace()
              + " (it has "
              + String.join(", ", amblefile.workspaces().keySet())
              + ")");
    }
    Definition d = amblefile.definition(m.workspace());
    if (d.workspace().requireLimit() && m.limit().isEmpty()) {
      return Outcome.refused(
          "workspace " + m.workspace() + " requires a limit (require_limit: true)");
    }
    d = Invocation.withDefaultFacts(d, env);
    try {
      d = RolloutOverrides.ofKeys(m.options()).applyTo(d).withContent(ref);
    } catch (OverrideException e) {
      return Outcome.malformed(String.join("; ", e.problems()));
    }
    Optional<Long> seed = Optional.ofNullable(m.options().get("seed")).map(Long::parseLong);
    RolloutRequest request =
        new RolloutRequest(
            d,
            m.limit(),
            seed.orElse(0L),
            d.workspace().concurrency(),
            false,
            false,
            by(m, source),
            RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT,
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            session.searchAttributes());
    ScheduledRollout rollout =
        new ScheduledRollout("@event " + m.id(), request, seed.isEmpty(), session.taskQueue, "");
    String id = m.eventWorkflowId();
    LauncherWorkflow launcher =
        client.newWorkflowStub(
            LauncherWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(session.taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                .setStaticSummary("amble listen: run of " + m.workspace() + " for " + by(m, source))
                .build());
    try {
      WorkflowExecution started = WorkflowClient.start(launcher::launch, rollout);
      return Outcome.accepted(
          "launcher "
              + id
              + " (run "
              + started.getRunId()
              + ") starts the rollout of "
              + m.workspace()
              + " under "
              + RolloutRequest.workflowId(m.project(), m.workspace()));
    } catch (WorkflowExecutionAlreadyStarted e) {
      return Outcome.duplicate(
          "message " + m.id() + " was accepted before: launcher " + id + " (nothing started)");
    }
  }

  private static int files(Path folder) {
    try (Stream<Path> all = Files.walk(folder)) {
      return (int) all.filter(p -> !Files.isDirectory(p)).count();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Catch, release or cancel the workspace's running rollout; refused when stale. */
  private Outcome steer(EventMessage m, String source) {
    WorkflowClient client = session.client;
    Rollouts.Found found =
        Rollouts.find(client, m.project(), m.workspace())
            .orElseThrow(
                () ->
                    new EventMessage.Refused(
                        Outcome.unknown(
                            "workspace "
                                + m.workspace()
                                + " of project "
                                + m.project()
                                + " has no rollout")));
    if (!found.running()) {
      return Outcome.refused(
          "the last rollout of workspace "
              + m.workspace()
              + " is not running ("
              + found.statusWord()
              + ", run "
              + found.runId()
              + ")");
    }
    if (applied(found, m.updateId())) {
      return Outcome.duplicate(
          "message "
              + m.id()
              + " was applied before to run "
              + found.runId()
              + " (update "
              + m.updateId()
              + "): nothing changed");
    }
    String by = by(m, source);
    try {
      switch (m.action()) {
        case CATCH -> {
          CatchRequest request = new CatchRequest(m.reason(), by, firstRunId(found));
          return send(Steer.CATCH, request, found, m, "caught");
        }
        case RELEASE -> {
          Caught caught = caught(found, m.workspace());
          String wanted = m.catchSince().orElseThrow();
          if (!caught.caught()) {
            return Outcome.refused(
                "stale: the rollout is not caught (the catch " + wanted + " was released)");
          }
          if (!caught.since().equals(wanted)) {
            return Outcome.refused(
                "stale: the rollout is caught by the catch since "
                    + caught.since()
                    + " ("
                    + caught.by()
                    + "), not "
                    + wanted);
          }
          // The rollout refuses it in turn if it caught again since (the catch's number).
          ReleaseRequest request =
              new ReleaseRequest(
                  Boolean.parseBoolean(m.options().getOrDefault("skip_failed", "false")),
                  by,
                  firstRunId(found),
                  caught.number());
          return send(Steer.RELEASE, request, found, m, "released");
        }
        case CANCEL -> {
          String wanted = m.rollout().orElseThrow();
          if (!wanted.equals(found.runId()) && !wanted.equals(firstRunId(found))) {
            return Outcome.refused(
                "stale: the running rollout of "
                    + m.workspace()
                    + " is run "
                    + firstRunId(found)
                    + ", not "
                    + wanted);
          }
          CancelRequest request = new CancelRequest(m.reason(), by, false, firstRunId(found));
          return send(Steer.CANCEL, request, found, m, "cancelling");
        }
        default -> throw new IllegalStateException(m.action().word());
      }
    } catch (WorkflowUpdateException e) {
      return Outcome.refused(Failures.oneLine(e));
    }
  }

  /**
   * {@code steer}'s update under the message's own update ID, or its signal with no worker to take
   * it: accepted, with what the rollout said.
   */
  private <R> Outcome send(
      Steer<R> steer, R request, Rollouts.Found found, EventMessage m, String done) {
    RolloutWorkflow rollout =
        session.client.newWorkflowStub(
            RolloutWorkflow.class, found.workflowId(), Optional.of(found.runId()));
    StringWriter said = new StringWriter();
    PrintWriter out = new PrintWriter(said);
    SteeredRollout.updateOrSignal(
        session,
        found,
        m.workspace(),
        steer.what(),
        "",
        () -> steer.signal().accept(rollout, request),
        () -> update(found, steer.updateName(), m, request),
        out,
        out);
    return Outcome.accepted(done + " the rollout of " + m.workspace() + " " + said(said));
  }

  /**
   * Whether the rollout's run already has the update {@code updateId} (admitted, accepted or
   * completed): Temporal would answer a second one with the first one's result and apply nothing,
   * which must be reported as a duplicate, never as accepted.
   */
  private boolean applied(Rollouts.Found found, String updateId) {
    try {
      session
          .client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .pollWorkflowExecutionUpdate(
              PollWorkflowExecutionUpdateRequest.newBuilder()
                  .setNamespace(session.client.getOptions().getNamespace())
                  .setIdentity(session.client.getOptions().getIdentity())
                  .setUpdateRef(
                      UpdateRef.newBuilder()
                          .setWorkflowExecution(
                              WorkflowExecution.newBuilder()
                                  .setWorkflowId(found.workflowId())
                                  .setRunId(found.runId()))
                          .setUpdateId(updateId))
                  .setWaitPolicy(
                      WaitPolicy.newBuilder()
                          .setLifecycleStage(
                              UpdateWorkflowExecutionLifecycleStage
                                  .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /**
   * The rollout's update {@code name}, under the message's own update ID ({@link
   * EventMessage#updateId}: its ID, action and target).
   */
  private RolloutStatus update(Rollouts.Found found, String name, EventMessage m, Object request) {
    return session
        .client
        .newUntypedWorkflowStub(found.workflowId(), Optional.of(found.runId()), Optional.empty())
        .startUpdate(
            UpdateOptions.newBuilder(RolloutStatus.class)
                .setUpdateName(name)
                .setUpdateId(m.updateId())
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            request)
        .getResult();
  }

  private static String said(StringWriter said) {
    String text = said.toString().strip().replace('\n', ' ');
    return text.isEmpty() ? "(applied)" : "(" + text + ")";
  }

  /** The rollout's catch now: from the rollout, or with no worker, from what it last recorded. */
  private Caught caught(Rollouts.Found found, String workspace) {
    try {
      return Rollouts.status(session.client, workspace, found, session.address).caught();
    } catch (Rollouts.NoWorker e) {
      return e.summary.map(RolloutSummary::caught).orElse(Caught.NO);
    }
  }

  private String firstRunId(Rollouts.Found found) {
    return Rollouts.firstRunId(session.client, found);
  }

  /** The listener's copies of content, apart from a worker's. */
  static ContentFolders contents(TemporalSession session, Map<String, String> env) {
    Path root = ContentFolders.home(env).resolve("listen");
    return new ContentFolders(
        root.resolve("content"),
        root.resolve("state"),
        Optional.of(new ContentStore(session.client, session.taskQueue)),
        Clock.systemUTC());
  }
}
