package dev.amble.cli.look;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.cli.common.Rollouts;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.temporal.Executions;
import dev.amble.temporal.LocalActivityMarker;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One host's walk as its host workflow ({@code amble/PROJECT/WORKSPACE/HOST}, the latest run)
 * recorded it: each step (prepare, each job and exit job, finish, the host's health checks) with
 * how it went, when it started, how long it took and which worker ran it; and how the walk ended.
 *
 * @param status {@code running}, or how the run closed ({@code completed}, {@code cancelled},
 *     {@code terminated}, ...)
 * @param rollout the rollout that walked it (its ID, the first run's)
 * @param outcome the host's outcome word ({@code succeeded}, {@code failed}, ...); {@code walking}
 *     while it runs; how Temporal closed it when the walk did not say
 * @param reason why, in one line
 * @param log the log of the run that decided it, on the worker that ran it
 */
record HostWalk(
    String workspace,
    String host,
    String workflowId,
    String runId,
    String status,
    Instant started,
    Optional<Instant> closedAt,
    String rollout,
    int wave,
    List<Step> steps,
    String outcome,
    String reason,
    String log) {

  /**
   * One step: one activity, over its attempts.
   *
   * @param name {@code prepare}, {@code job NAME}, {@code exit job NAME}, {@code finish}, {@code
   *     pre-check NAME}, {@code post-check NAME}
   * @param activity the activity's type: prepareHost, runJob, finishHost, check
   * @param ok it went well (a job ran ok, a check passed)
   * @param result how it went, in one line; {@code running} while it runs
   * @param started when its last attempt started (empty while it waits for a worker)
   * @param tookMillis how long its last attempt took (empty while it runs)
   * @param worker the identity of the worker that ran its last attempt
   * @param log its Ansible log on that worker (empty until it ends, and for health checks)
   * @param tail the log's last lines as recorded in history, when the step did not go well
   * @param activityId the step's activity's ID in the walk (with the attempt, its log's {@link
   *     dev.amble.logs.RunLogTag})
   */
  record Step(
      String name,
      String activity,
      boolean ok,
      String result,
      Optional<Instant> started,
      Optional<Long> tookMillis,
      String worker,
      int attempt,
      String log,
      List<String> tail,
      String activityId) {
    /** A step that runs Ansible on the host: prepare, a job, an exit job, finish. */
    boolean runsAnsible() {
      return !activity.equalsIgnoreCase("check");
    }
  }

  /**
   * The host's walk by the workspace's latest rollout ({@code rollout}, found with {@link
   * Rollouts#find}): its walks' IDs are the rollout's (an old rollout's are amble/WORKSPACE/HOST).
   */
  static Optional<HostWalk> latest(
      WorkflowClient client,
      Optional<Rollouts.Found> rollout,
      String project,
      String workspace,
      String host) {
    return read(client, id(rollout, project, workspace, host), workspace, host);
  }

  /** The ID of the host's walk by the workspace's latest rollout. */
  static String id(
      Optional<Rollouts.Found> rollout, String project, String workspace, String host) {
    return dev.amble.rollout.RolloutRequest.hostWorkflowId(
        rollout
            .map(Rollouts.Found::workflowId)
            .orElse(dev.amble.rollout.RolloutRequest.workflowId(project, workspace)),
        host);
  }

  /**
   * The host's latest walk, the host workflow {@code id}; empty when there is none (or {@code id}
   * names another kind of workflow: a rollout under {@code amble/PROJECT/WORKSPACE} has the form of
   * an old host walk's ID).
   */
  static Optional<HostWalk> read(WorkflowClient client, String id, String workspace, String host) {
    Optional<DescribeWorkflowExecutionResponse> found =
        Executions.describe(client, id)
            .filter(
                d ->
                    d.getWorkflowExecutionInfo()
                        .getType()
                        .getName()
                        .equals(HostWorkflow.class.getSimpleName()));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    DescribeWorkflowExecutionResponse described = found.get();
    String runId = described.getWorkflowExecutionInfo().getExecution().getRunId();
    List<HistoryEvent> events = Executions.allEvents(client, id, runId);
    return Optional.of(
        new Reader(client.getOptions().getDataConverter(), workspace, host, id, runId, described)
            .read(events));
  }

  /** Reads the events of one run of a host workflow into a walk. */
  private static final class Reader {
    private final DataConverter converter;
    private final String workspace;
    private final String host;
    private final String id;
    private final String runId;
    private final DescribeWorkflowExecutionResponse described;

    /** Steps by their scheduled event's ID, in order. */
    private final Map<Long, Draft> steps = new LinkedHashMap<>();

    private boolean finished;

    Reader(
        DataConverter converter,
        String workspace,
        String host,
        String id,
        String runId,
        DescribeWorkflowExecutionResponse described) {
      this.converter = converter;
      this.workspace = workspace;
      this.host = host;
      this.id = id;
      this.runId = runId;
      this.described = described;
    }

    /** A step as the events tell it so far. */
    private static final class Draft {
      String name;
      String activity;
      boolean ok;
      String result = "scheduled: waiting for a worker";
      Instant started;
      Instant ended;
      String worker = "";
      int attempt = 1;
      String log = "";
      List<String> tail = List.of();
      String activityId = "";
    }

    HostWalk read(List<HistoryEvent> events) {
      Instant started = Instant.EPOCH;
      String rollout = "";
      int wave = 0;
      String outcome = "walking";
      String reason = "";
      String log = "";
      Optional<CloseEvent> closed = Optional.empty();
      // The workflow task a local activity ran in: when it began, and the worker that ran it.
      Instant taskStarted = Instant.EPOCH;
      String taskWorker = "";
      for (HistoryEvent e : events) {
        Optional<LocalActivityMarker> local = LocalActivityMarker.of(e);
        if (e.hasWorkflowTaskStartedEventAttributes()) {
          taskStarted = time(e);
          taskWorker = e.getWorkflowTaskStartedEventAttributes().getIdentity();
        } else if (local.isPresent() && isPrepare(local.get().type())) {
          // A walk that prepares its host in a local activity (prepare-locally): one marker.
          Draft d = new Draft();
          d.activity = local.get().type();
          d.name = name(d.activity, Optional.empty());
          d.started = taskStarted;
          d.ended = local.get().ended();
          d.worker = taskWorker;
          local.get().result().ifPresent(r -> completed(d, r));
          local.get().failure().ifPresent(f -> d.result = "worker fault: " + f);
          steps.put(e.getEventId(), d);
        } else if (e.hasWorkflowExecutionStartedEventAttributes()) {
          started = time(e);
          Optional<JsonNode> input =
              json(e.getWorkflowExecutionStartedEventAttributes().getInput());
          rollout = input.map(n -> n.path("rollout").asText("")).orElse("");
          wave = input.map(n -> n.path("wave").asInt(0)).orElse(0);
        } else if (e.hasActivityTaskScheduledEventAttributes()) {
          var a = e.getActivityTaskScheduledEventAttributes();
          Draft d = new Draft();
          d.activity = a.getActivityType().getName();
          d.activityId = a.getActivityId();
          d.name = name(d.activity, json(a.getInput()));
          steps.put(e.getEventId(), d);
        } else if (e.hasActivityTaskStartedEventAttributes()) {
          var a = e.getActivityTaskStartedEventAttributes();
          step(a.getScheduledEventId())
              .ifPresent(
                  d -> {
                    d.started = time(e);
                    d.worker = a.getIdentity();
                    d.attempt = Math.max(1, a.getAttempt());
                    d.result = "running";
                  });
        } else if (e.hasActivityTaskCompletedEventAttributes()) {
          var a = e.getActivityTaskCompletedEventAttributes();
          step(a.getScheduledEventId())
              .ifPresent(
                  d -> {
                    d.ended = time(e);
                    completed(d, a.getResult());
                  });
        } else if (e.hasActivityTaskFailedEventAttributes()) {
          var a = e.getActivityTaskFailedEventAttributes();
          step(a.getScheduledEventId())
              .ifPresent(
                  d -> {
                    d.ended = time(e);
                    d.result = "worker fault: " + CloseEvent.message(a.getFailure());
                  });
        } else if (e.hasActivityTaskTimedOutEventAttributes()) {
          var a = e.getActivityTaskTimedOutEventAttributes();
          step(a.getScheduledEventId())
              .ifPresent(
                  d -> {
                    d.ended = time(e);
                    d.result = "timed out: " + CloseEvent.message(a.getFailure());
                  });
        } else if (e.hasActivityTaskCanceledEventAttributes()) {
          var a = e.getActivityTaskCanceledEventAttributes();
          step(a.getScheduledEventId())
              .ifPresent(
                  d -> {
                    d.ended = time(e);
                    d.result = "cancelled";
                  });
        } else if (e.hasWorkflowExecutionCompletedEventAttributes()) {
          Optional<HostOutcome> o =
              decode(
                  e.getWorkflowExecutionCompletedEventAttributes().getResult(), HostOutcome.class);
          outcome = o.map(h -> h.outcome().word()).orElse("completed");
          reason = o.map(HostOutcome::reason).orElse("");
          log = o.map(HostOutcome::log).orElse("");
        }
        Optional<CloseEvent> close = CloseEvent.of(e);
        if (close.isPresent()) {
          closed = close;
          if (!e.hasWorkflowExecutionCompletedEventAttributes()) {
            outcome = close.get().status();
            reason = close.get().message();
          }
        }
      }
      pending();
      List<Step> out = new ArrayList<>();
      for (Draft d : steps.values()) {
        out.add(
            new Step(
                d.name,
                d.activity,
                d.ok,
                d.result,
                Optional.ofNullable(d.started),
                d.started == null || d.ended == null
                    ? Optional.empty()
                    : Optional.of(Duration.between(d.started, d.ended).toMillis()),
                d.worker,
                d.attempt,
                d.log,
                d.tail,
                d.activityId));
      }
      WorkflowExecutionStatus status = described.getWorkflowExecutionInfo().getStatus();
      return new HostWalk(
          workspace,
          host,
          id,
          runId,
          status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
              ? "running"
              : closed.map(CloseEvent::status).orElse(Rollouts.statusWord(status)),
          started,
          closed.map(CloseEvent::at),
          rollout,
          wave,
          out,
          outcome,
          reason,
          log);
    }

    /** What runs now, as Temporal describes it: its attempt, since when, on which worker. */
    private void pending() {
      for (PendingActivityInfo p : described.getPendingActivitiesList()) {
        for (Draft d : steps.values()) {
          if (d.ended == null
              && d.activity.equals(p.getActivityType().getName())
              && (d.activityId.isEmpty() || d.activityId.equals(p.getActivityId()))) {
            d.attempt = Math.max(1, p.getAttempt());
            if (p.hasLastStartedTime()) {
              d.started =
                  Instant.ofEpochSecond(
                      p.getLastStartedTime().getSeconds(), p.getLastStartedTime().getNanos());
              d.worker = p.getLastWorkerIdentity();
              d.result = "running" + (d.attempt > 1 ? " (attempt " + d.attempt + ")" : "");
            }
            if (p.hasLastFailure()) {
              d.result += "; last attempt: " + CloseEvent.message(p.getLastFailure());
            }
          }
        }
      }
    }

    private static boolean isPrepare(String activity) {
      return activity.equals("PrepareHost") || activity.equals("prepareHost");
    }

    private Optional<Draft> step(long scheduled) {
      return Optional.ofNullable(steps.get(scheduled));
    }

    /** A step's name from its activity and input: which job, which check. */
    private String name(String activity, Optional<JsonNode> input) {
      switch (activity) {
        case "PrepareHost", "prepareHost" -> {
          return "prepare";
        }
        case "FinishHost", "finishHost" -> {
          finished = true;
          return "finish";
        }
        case "RunJob", "runJob" -> {
          JsonNode step =
              input
                  .map(n -> n.path("step"))
                  .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
          return (step.path("exit").asBoolean(false) ? "exit job " : "job ")
              + step.path("job").path("name").asText("?");
        }
        case "RunStep", "runStep" -> {
          // A step asked by its place in the walk's input (steps by reference): it names its job.
          JsonNode step =
              input.orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
          return (step.path("exit").asBoolean(false) ? "exit job " : "job ")
              + step.path("job").asText("?");
        }
        case "Check", "check" -> {
          String healthCheck =
              input
                  .map(
                      n ->
                          (n.has("healthCheck") ? n.path("healthCheck") : n.path("gate"))
                              .path("name")
                              .asText("?"))
                  .orElse("?");
          return (finished ? "post-check " : "pre-check ") + healthCheck;
        }
        default -> {
          return activity;
        }
      }
    }

    private void completed(Draft d, Payloads result) {
      switch (d.activity) {
        case "PrepareHost", "prepareHost" ->
            decode(result, Preparation.class)
                .ifPresent(
                    p -> {
                      d.ok = p.run().ok();
                      d.result = p.run().ok() ? "ok" : p.run().describe();
                      d.log = p.run().log();
                      d.tail = p.run().tail();
                    });
        case "RunJob", "runJob", "RunStep", "runStep", "FinishHost", "finishHost" ->
            decode(result, RunResult.class)
                .ifPresent(
                    r -> {
                      d.ok = r.ok();
                      d.result =
                          r.ok()
                              ? (r.changed() > 0 ? "ok, " + r.changed() + " changed" : "ok")
                              : r.describe();
                      d.log = r.log();
                      d.tail = r.tail();
                    });
        case "Check", "check" ->
            decode(result, HealthCheckAnswer.class)
                .ifPresent(
                    c -> {
                      d.ok = c.passed();
                      d.result = c.passed() ? "passed" : "failed: " + c.message();
                    });
        default -> {
          d.ok = true;
          d.result = "completed";
        }
      }
      if (d.result.equals("running") || d.result.startsWith("scheduled")) {
        d.result = "completed";
      }
    }

    private <T> Optional<T> decode(Payloads payloads, Class<T> type) {
      try {
        return Optional.ofNullable(converter.fromPayloads(0, Optional.of(payloads), type, type));
      } catch (RuntimeException unreadable) {
        return Optional.empty();
      }
    }

    private Optional<JsonNode> json(Payloads payloads) {
      return decode(payloads, JsonNode.class);
    }

    private static Instant time(HistoryEvent e) {
      return Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
    }
  }
}
