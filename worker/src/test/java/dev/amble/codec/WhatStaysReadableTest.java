package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README's Security section says stays readable, checked against what Temporal's SDK
 * sends: the workflow ID, type and search attributes in plain text; the input, the memo and the Web
 * UI's summary and details encrypted.
 */
class WhatStaysReadableTest {
  @TempDir Path dir;

  @Test
  void idsTypesAndSearchAttributesStayReadableTheRestIsEncrypted() throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try {
      SearchAttributeKey<String> key = SearchAttributeKey.forKeyword("CustomKeywordField");
      env.start();
      WorkflowClient client =
          WorkflowClient.newInstance(
              env.getWorkflowServiceStubs(),
              WorkflowClientOptions.newBuilder()
                  .setNamespace(env.getNamespace())
                  .setDataConverter(
                      EncryptionCodec.dataConverter(
                          CodecKeys.of("test", List.of(CodecKey.create(dir.resolve("k"))))))
                  .build());
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              "Readable",
              WorkflowOptions.newBuilder()
                  .setWorkflowId("id-marker")
                  .setTaskQueue("nobody-polls")
                  .setMemo(Map.of("m", "memo-marker"))
                  .setTypedSearchAttributes(
                      SearchAttributes.newBuilder().set(key, "sa-marker").build())
                  .setStaticSummary("summary-marker")
                  .setStaticDetails("details-marker")
                  .build());
      WorkflowExecution e = stub.start("input-marker");

      String raw =
          env.getWorkflowServiceStubs()
                  .blockingStub()
                  .describeWorkflowExecution(
                      DescribeWorkflowExecutionRequest.newBuilder()
                          .setNamespace(env.getNamespace())
                          .setExecution(e)
                          .build())
                  .toByteString()
                  .toString(StandardCharsets.UTF_8)
              + env.getWorkflowServiceStubs()
                  .blockingStub()
                  .getWorkflowExecutionHistory(
                      GetWorkflowExecutionHistoryRequest.newBuilder()
                          .setNamespace(env.getNamespace())
                          .setExecution(e)
                          .build())
                  .toByteString()
                  .toString(StandardCharsets.UTF_8);

      for (String readable : List.of("id-marker", "Readable", "nobody-polls", "sa-marker")) {
        assertTrue(raw.contains(readable), readable);
      }
      for (String hidden :
          List.of("input-marker", "memo-marker", "summary-marker", "details-marker")) {
        assertFalse(raw.contains(hidden), hidden);
      }
    } finally {
      env.close();
    }
  }
}
