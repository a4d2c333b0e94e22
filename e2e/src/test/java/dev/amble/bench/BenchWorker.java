package dev.amble.bench;

import dev.amble.host.Claim;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivitiesImpl;
import dev.amble.pages.PageLine;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.precondition.Verdict;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import dev.amble.rollout.PlanPagesRequest;
import dev.amble.rollout.PlanRequest;
import dev.amble.rollout.PlanSummary;
import dev.amble.rollout.RolloutPlan;
import dev.amble.rollout.RolloutWorkflowImpl;
import dev.amble.rollout.SyntaxCheckRequest;
import dev.amble.rollout.SyntaxCheckResult;
import dev.amble.rollout.WorkspaceActivities;
import dev.amble.state.RemoteState;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker process for the orchestration benchmark: amble's real rollout, host and page workflows,
 * amble's real page activities (pages in Temporal), and a simulated executor in place of Ansible,
 * which sleeps instead of running a play, fails or is unreachable on a fixed share of hosts, and
 * appends every call to a ledger file outside Temporal.
 *
 * <p>{@code BenchWorker --address A --task-queue Q --hosts N --host-ms MS --fail P --unreachable P
 * --ledger FILE --stats FILE --activity-slots N}
 */
public final class BenchWorker {
  private BenchWorker() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String address = o.get("address");
    String queue = o.get("task-queue");
    SimFleet fleet =
        new SimFleet(
            Integer.parseInt(o.get("hosts")),
            Double.parseDouble(o.get("fail")),
            Double.parseDouble(o.get("unreachable")));
    long hostMs = Long.parseLong(o.get("host-ms"));
    Path stats = Path.of(o.get("stats"));
    SimFleet.Ledger ledger = new SimFleet.Ledger(Path.of(o.get("ledger")));

    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace("default")
                // amble's own JSON, as its CLI and workers write it (its history bytes)
                .setDataConverter(dev.amble.codec.PayloadJson.converter())
                .build());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(
            queue,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(Integer.parseInt(o.get("activity-slots")))
                .build());
    worker.registerWorkflowImplementationTypes(
        // Unversioned (no deployment): walks and rollouts that name no versioning behaviour.
        RolloutWorkflowImpl.Unversioned.class,
        HostWorkflowImpl.Unversioned.class,
        PageWorkflowImpl.class);
    TemporalPages pages = new TemporalPages(client, queue);
    worker.registerActivitiesImplementations(
        new SimHosts(fleet, ledger, hostMs),
        new SimWorkspace(fleet, pages),
        new PageActivitiesImpl(pages),
        new dev.amble.worker.WalkEndActivitiesImpl(),
        new dev.amble.host.WalkStartActivitiesImpl());
    factory.start();
    Files.writeString(
        stats,
        "ready " + ProcessHandle.current().pid() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);

    // Heap, once a second: used now, and live after the last collection (the pools' collection
    // usage).
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    while (true) {
      long used = 0;
      long afterGc = 0;
      for (MemoryPoolMXBean p : heap) {
        used += p.getUsage().getUsed();
        MemoryUsage c = p.getCollectionUsage();
        afterGc += c == null ? 0 : c.getUsed();
      }
      try {
        Files.writeString(stats, "heap " + used + " " + afterGc + "\n", StandardOpenOption.APPEND);
      } catch (IOException ignored) {
        // the bench went away
      }
      Thread.sleep(1000);
    }
  }

  static String log(String host, String step) {
    return "/var/log/amble/bench/" + host + "/" + step + ".log";
  }

  /** The simulated executor: what Ansible would do to a host, in a fixed time, without a host. */
  static final class SimHosts implements HostActivities {
    private final SimFleet fleet;
    private final SimFleet.Ledger ledger;
    private final long stepMs;

    SimHosts(SimFleet fleet, SimFleet.Ledger ledger, long hostMs) {
      this.fleet = fleet;
      this.ledger = ledger;
      this.stepMs = Math.max(0, hostMs / 3);
    }

    private void work() {
      try {
        Thread.sleep(stepMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Preparation prepareHost(PrepareRequest r) {
      String host = r.target().host();
      ledger.record(host, "prepare");
      work();
      if (fleet.fate(host) == SimFleet.Fate.UNREACHABLE) {
        return new Preparation(
            new RunResult(
                RunStatus.UNREACHABLE,
                "Gathering Facts",
                "ansible.builtin.setup",
                "Failed to connect to the host via ssh: ssh: connect to host "
                    + host
                    + " port 22: Connection timed out",
                0,
                log(host, "prepare")),
            List.of(),
            RemoteState.NONE);
      }
      return new Preparation(
          new RunResult(RunStatus.OK, "", "", "", 0, log(host, "prepare")),
          Collections.nCopies(r.steps().size(), Verdict.HOLDS),
          RemoteState.NONE);
    }

    @Override
    public RunResult runJob(JobRequest r) {
      String host = r.target().host();
      ledger.record(host, "job");
      work();
      if (r.claim().isPresent() && fleet.fate(host) == SimFleet.Fate.UNREACHABLE) {
        // The walk did not prepare (the bench's Amblefile has no precondition): its first run's
        // claim is where an unreachable host does not answer, as with amble's real activity.
        return new RunResult(
            RunStatus.UNREACHABLE,
            Claim.TASK,
            "amble_lock",
            "Failed to connect to the host via ssh: ssh: connect to host "
                + host
                + " port 22: Connection timed out",
            0,
            log(host, "job"));
      }
      if (fleet.fate(host) == SimFleet.Fate.FAILED) {
        return new RunResult(
            RunStatus.FAILED,
            "Upgrade the kernel",
            "ansible.builtin.apt",
            SimFleet.failureMessage(host),
            2,
            log(host, "job"));
      }
      if (r.finish().isPresent()) {
        // The walk's last run finishes the host in the same run, as amble's real one does.
        ledger.record(host, "finish");
      }
      return new RunResult(RunStatus.OK, "", "", "", 3, log(host, "job"));
    }

    @Override
    public RunResult finishHost(FinishRequest r) {
      String host = r.target().host();
      ledger.record(host, "finish");
      work();
      return new RunResult(RunStatus.OK, "", "", "", 1, log(host, "finish"));
    }
  }

  /**
   * Planning of the simulated fleet, kept as real pages in Temporal as amble's PlanPagesWriter
   * does: every host walks, in ascending order, 1,000 names a page; an earlier attempt's pages are
   * removed first.
   */
  static final class SimWorkspace implements WorkspaceActivities {
    private final SimFleet fleet;
    private final TemporalPages pages;

    SimWorkspace(SimFleet fleet, TemporalPages pages) {
      this.fleet = fleet;
      this.pages = pages;
    }

    @Override
    public PlanSummary planPages(PlanPagesRequest request) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      String prefix = request.prefix();
      for (int earlier = 1; earlier < attempt; earlier++) {
        for (int i = 0;
            pages.terminate(
                Pages.id(prefix, Pages.WALK + "." + earlier, i),
                "a later planning attempt replaced it");
            i++) {
          Activity.getExecutionContext().heartbeat("removed " + i);
        }
      }
      String walkList = Pages.WALK + "." + attempt;
      List<String> names = fleet.names();
      int count = 0;
      for (int from = 0; from < names.size(); from += Pages.WALK_PAGE_SIZE) {
        List<PageLine> lines = new ArrayList<>();
        for (String h : names.subList(from, Math.min(names.size(), from + Pages.WALK_PAGE_SIZE))) {
          lines.add(PageLine.walk(h));
        }
        pages.write(Pages.id(prefix, walkList, count), new Page(walkList, count, lines));
        Activity.getExecutionContext().heartbeat("page " + walkList + "/" + count);
        count++;
      }
      return new PlanSummary(
          prefix,
          walkList,
          names.size(),
          count,
          Pages.WALK_PAGE_SIZE,
          Pages.SKIPPED + "." + attempt,
          0,
          0,
          names.size(),
          List.of());
    }

    private static RuntimeException unsupported(String what) {
      return ApplicationFailure.newNonRetryableFailure(
          what + " is not simulated by the bench", "Unsupported");
    }

    @Override
    public RolloutPlan planRollout(PlanRequest request) {
      throw unsupported("planRollout");
    }

    @Override
    public InitResult gatherFacts(InitRequest request) {
      throw unsupported("gatherFacts");
    }

    /** The simulated fleet's content has nothing for Ansible to check. */
    @Override
    public SyntaxCheckResult checkSyntax(SyntaxCheckRequest request) {
      return SyntaxCheckResult.pass("");
    }
  }
}
