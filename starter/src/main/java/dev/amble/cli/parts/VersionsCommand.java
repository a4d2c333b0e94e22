package dev.amble.cli.parts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.OutputOption;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.release.Release;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.worker.Versioning;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo;
import io.temporal.api.deployment.v1.WorkerDeploymentInfo.WorkerDeploymentVersionSummary;
import io.temporal.api.enums.v1.RoutingConfigUpdateState;
import io.temporal.api.workflowservice.v1.DescribeWorkerDeploymentResponse;
import io.temporal.api.workflowservice.v1.SetWorkerDeploymentCurrentVersionRequest;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble versions}: the worker builds of the task queue, and which one is current. */
@Command(
    header = "Lists the worker builds polling this task queue; makes one current.",
    name = "versions",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists the builds of the workers of the task queue's deployment (Temporal's Worker"
          + " Deployments, named after the task queue) with their status: current (new rollouts and"
          + " rollouts that continue as new run there), draining (host walks or rollouts that"
          + " started there still run there), drained (nothing runs there: its workers may stop),"
          + " inactive (never current).",
      "",
      "A worker's build is its amble release and commit (AMBLE_BUILD_ID overrides it). The first"
          + " versioned worker of a deployment with no current build makes its own build current."
          + " After that, a new build becomes current only with --make-current: start the new"
          + " workers beside the old, make their build current, and stop the old workers once their"
          + " build is drained. A rollout moves to the current build when it continues as new, at"
          + " its next host's end; a host walk ends on the build it started on.",
      "",
      "The embedded tier (no server) runs unversioned: there is nothing to list.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 listed, or made current; 2 --make-current names a build no worker has polled"
          + " with, or the server has no worker deployments; 3 Temporal is unreachable.",
      ""
    })
public final class VersionsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin TemporalOptions temporal;

  @Option(
      names = "--make-current",
      paramLabel = "BUILD",
      description =
          "Make BUILD the current build: new rollouts start there, running ones move there when"
              + " they continue as new. BUILD must have polled (start its workers first).")
  Optional<String> makeCurrent;

  @Mixin OutputOption output;

  /** How many running rollouts --make-current woke. */
  private int woken;

  @Override
  public Integer call() {
    Invocation amble = Invocation.of(spec);
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      String namespace = session.client.getOptions().getNamespace();
      String deployment = Versioning.deploymentName(session.taskQueue);
      Optional<DescribeWorkerDeploymentResponse> found = describe(session, namespace, deployment);
      if (makeCurrent.isPresent()) {
        String build = makeCurrent.get();
        DescribeWorkerDeploymentResponse d =
            found
                .filter(r -> builds(r.getWorkerDeploymentInfo()).contains(build))
                .orElseThrow(
                    () ->
                        Exit.badInput(
                            "amble versions: no worker of build "
                                + build
                                + " has polled task queue "
                                + session.taskQueue
                                + ": start its workers first (`amble versions` lists the"
                                + " builds)"));
        if (!Versioning.current(d.getWorkerDeploymentInfo()).equals(Optional.of(build))) {
          try {
            session
                .client
                .getWorkflowServiceStubs()
                .blockingStub()
                .setWorkerDeploymentCurrentVersion(
                    SetWorkerDeploymentCurrentVersionRequest.newBuilder()
                        .setNamespace(namespace)
                        .setDeploymentName(deployment)
                        .setBuildId(build)
                        .setConflictToken(d.getConflictToken())
                        .setIdentity(Identity.operator())
                        .build());
          } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.FAILED_PRECONDITION
                || code == Status.Code.INVALID_ARGUMENT
                || code == Status.Code.ABORTED) {
              // No worker of that build polls now, another change raced this one, ...
              throw Exit.badInput(
                  "amble versions: Temporal refused to make "
                      + build
                      + " current: "
                      + e.getStatus().getDescription()
                      + " (are its workers running? `amble versions` lists the builds)");
            }
            throw e;
          }
        }
        found = awaitRouting(session, namespace, deployment);
        woken = wakeRollouts(session);
      }
      print(session, namespace, deployment, found.map(r -> r.getWorkerDeploymentInfo()));
      return ExitCode.OK;
    }
  }

  /**
   * The deployment once the server has told every task queue which build is current (or after 30
   * s): a rollout woken before that would still be told its own build is the target.
   */
  private Optional<DescribeWorkerDeploymentResponse> awaitRouting(
      TemporalSession session, String namespace, String deployment) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Optional<DescribeWorkerDeploymentResponse> d = describe(session, namespace, deployment);
      boolean propagating =
          d.map(
                  r ->
                      r.getWorkerDeploymentInfo().getRoutingConfigUpdateState()
                          == RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS)
              .orElse(false);
      if (!propagating || System.nanoTime() > deadline) {
        return d;
      }
      try {
        Thread.sleep(200); // the server offers no wait for this
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return d;
      }
    }
  }

  /**
   * Wakes the task queue's running rollouts: one that waits (caught, outside its window, baking)
   * continues as new onto the current build at once instead of at its next event. A rollout with
   * walks in flight moves at its next walk's end. Returns how many were woken.
   */
  private int wakeRollouts(TemporalSession session) {
    String query =
        "WorkflowType = 'RolloutWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '"
            + session.taskQueue.replace("'", "\\'")
            + "'";
    int[] woken = {0};
    session
        .client
        .listExecutions(query)
        .forEach(
            rollout -> {
              try {
                session
                    .client
                    .newUntypedWorkflowStub(rollout.getExecution().getWorkflowId())
                    .signal(RolloutWorkflow.WAKE);
                woken[0]++;
              } catch (WorkflowNotFoundException ended) {
                // it ended meanwhile
              }
            });
    return woken[0];
  }

  private static List<String> builds(WorkerDeploymentInfo d) {
    return d.getVersionSummariesList().stream()
        .map(s -> s.getDeploymentVersion().getBuildId())
        .toList();
  }

  /** The deployment, or empty when no versioned worker has polled yet. */
  private Optional<DescribeWorkerDeploymentResponse> describe(
      TemporalSession session, String namespace, String deployment) {
    if (session.isEmbedded()) {
      throw Exit.badInput(
          "amble versions: the embedded tier runs workers unversioned: there are no builds to"
              + " list. Run `amble server` for a server with worker deployments.");
    }
    try {
      return Optional.of(
          Versioning.describe(session.client.getWorkflowServiceStubs(), namespace, deployment));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw Exit.badInput(
            "amble versions: the server at "
                + session.address
                + " has no worker deployments: its workers run unversioned");
      }
      throw e;
    }
  }

  private void print(
      TemporalSession session,
      String namespace,
      String deployment,
      Optional<WorkerDeploymentInfo> info) {
    PrintWriter out = spec.commandLine().getOut();
    List<WorkerDeploymentVersionSummary> versions =
        info.map(WorkerDeploymentInfo::getVersionSummariesList).orElse(List.of());
    Optional<String> current = info.flatMap(Versioning::current);
    if (output.json()) {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      json.put("deployment", deployment);
      json.put("taskQueue", session.taskQueue);
      json.put("namespace", namespace);
      current.ifPresentOrElse(c -> json.put("current", c), () -> json.putNull("current"));
      if (makeCurrent.isPresent()) {
        json.put("rolloutsWoken", woken);
      }
      json.put("cli", Release.current().toString());
      ArrayNode list = json.putArray("versions");
      for (WorkerDeploymentVersionSummary v : versions) {
        ObjectNode row = list.addObject();
        row.put("build", v.getDeploymentVersion().getBuildId());
        row.put("status", status(v));
        row.put("firstSeen", firstSeen(v).toString());
      }
      out.println(json.toPrettyString());
    } else if (versions.isEmpty()) {
      out.printf(
          "No versioned worker has polled task queue %s (namespace %s) yet.%n",
          session.taskQueue, namespace);
    } else {
      out.printf(
          "Builds of task queue %s (deployment %s, namespace %s):%n",
          session.taskQueue, deployment, namespace);
      int width =
          Math.max(
              5,
              versions.stream()
                  .mapToInt(v -> v.getDeploymentVersion().getBuildId().length())
                  .max()
                  .orElse(0));
      out.printf("  %-" + width + "s  %-9s  %s%n", "BUILD", "STATUS", "FIRST SEEN");
      for (WorkerDeploymentVersionSummary v : versions) {
        out.printf(
            "  %-" + width + "s  %-9s  %s%n",
            v.getDeploymentVersion().getBuildId(),
            status(v),
            firstSeen(v));
      }
    }
    if (makeCurrent.isPresent() && !output.json()) {
      out.printf(
          "%s is current. Woke %d running rollout%s: each moves to it now, or at its next host's"
              + " end when walks are in flight; walks end on the build they started on.%n",
          makeCurrent.get(), woken, woken == 1 ? "" : "s");
    }
    out.flush();
  }

  /** current, ramping, draining, drained or inactive. */
  static String status(WorkerDeploymentVersionSummary v) {
    String name = v.getStatus().name();
    String prefix = "WORKER_DEPLOYMENT_VERSION_STATUS_";
    return (name.startsWith(prefix) ? name.substring(prefix.length()) : name)
        .toLowerCase(Locale.ROOT);
  }

  private static Instant firstSeen(WorkerDeploymentVersionSummary v) {
    return Instant.ofEpochSecond(v.getCreateTime().getSeconds(), v.getCreateTime().getNanos());
  }
}
