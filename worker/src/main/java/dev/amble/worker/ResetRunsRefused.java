package dev.amble.worker;

import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;

/**
 * A reset run of any of amble's workflows does nothing new: Temporal's reset (of a finished
 * rollout, say, to walk its hosts again) makes a run that replays the old one's history up to a
 * point and then goes on from there; amble's code there would start host walks and Ansible runs
 * that nobody started. Every new activity, child workflow or continue-as-new such a run asks for
 * fails its workflow task instead (Temporal retries it, so the run stays where the reset left it,
 * and the Web UI shows why); what it replays from history is untouched. A run is a reset run when
 * the run ID its history began with is not its own (the server's own rule, {@code IsResetRun}).
 */
final class ResetRunsRefused extends WorkerInterceptorBase {
  static final String WHY =
      "amble refuses to go on in a reset run (its history began as run %s): a reset would walk"
          + " hosts nobody asked for. Terminate this run; start the rollout again with amble run.";

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public void init(WorkflowOutboundCallsInterceptor outboundCalls) {
        super.init(new Outbound(outboundCalls));
      }
    };
  }

  /**
   * Whether the run {@code run}, whose history began as run {@code original} (empty: a server older
   * than 1.27 did not say), is a reset run.
   */
  static boolean reset(String run, String original) {
    return original != null && !original.isEmpty() && !original.equals(run);
  }

  private static void refuseNewWork() {
    WorkflowInfo info = Workflow.getInfo();
    if (!Workflow.isReplaying() && reset(info.getRunId(), info.getOriginalExecutionRunId())) {
      throw new IllegalStateException(
          String.format(WHY, Workflow.getInfo().getOriginalExecutionRunId()));
    }
  }

  private static final class Outbound extends WorkflowOutboundCallsInterceptorBase {
    Outbound(WorkflowOutboundCallsInterceptor next) {
      super(next);
    }

    @Override
    public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
      refuseNewWork();
      return super.executeActivity(input);
    }

    @Override
    public <R> LocalActivityOutput<R> executeLocalActivity(LocalActivityInput<R> input) {
      refuseNewWork();
      return super.executeLocalActivity(input);
    }

    @Override
    public <R> ChildWorkflowOutput<R> executeChildWorkflow(ChildWorkflowInput<R> input) {
      refuseNewWork();
      return super.executeChildWorkflow(input);
    }

    @Override
    public void continueAsNew(ContinueAsNewInput input) {
      refuseNewWork();
      super.continueAsNew(input);
    }
  }
}
