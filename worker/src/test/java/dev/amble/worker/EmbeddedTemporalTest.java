package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The embedded server's two doors: this process's stubs (in process) and the loopback port other
 * amble commands use reach one and the same server, and both close with it.
 */
class EmbeddedTemporalTest {
  @Test
  void theInProcessStubsAndThePortServeTheSameWorkflows() {
    String id = "embedded-" + UUID.randomUUID();
    WorkflowServiceStubs tcp;
    WorkflowServiceStubs local;
    try (EmbeddedTemporal server = EmbeddedTemporal.on(0)) {
      local = server.stubs();
      tcp =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build());
      String run =
          local
              .blockingStub()
              .startWorkflowExecution(
                  StartWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setWorkflowId(id)
                      .setRequestId(UUID.randomUUID().toString())
                      .setWorkflowType(WorkflowType.newBuilder().setName("Nothing"))
                      .setTaskQueue(TaskQueue.newBuilder().setName("nobody"))
                      .build())
              .getRunId();
      String seen =
          tcp.blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                      .build())
              .getWorkflowExecutionInfo()
              .getExecution()
              .getRunId();
      assertEquals(run, seen, "the port's server is not the in-process one");
    }
    DescribeWorkflowExecutionRequest describe =
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .build();
    assertThrows(
        StatusRuntimeException.class,
        () -> local.blockingStub().describeWorkflowExecution(describe),
        "the in-process door outlived the server");
    assertThrows(
        StatusRuntimeException.class,
        () -> tcp.blockingStub().describeWorkflowExecution(describe),
        "the port outlived the server");
    tcp.shutdownNow();
    local.shutdownNow();
  }
}
