package dev.amble.worker;

import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import java.util.Map;

/**
 * amble's search attributes in a namespace: whether they are there (a workflow that sets a missing
 * one fails to start), and registering them where amble runs the server itself.
 */
public final class SearchAttributeSetup {
  public static final List<String> NAMES =
      List.of("AmbleWorkspace", "AmbleHost", "AmbleOutcome", "AmbleKind");

  private SearchAttributeSetup() {}

  static OperatorServiceStubs operator(WorkflowServiceStubs stubs) {
    return OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder()
            .setChannel(stubs.getRawChannel())
            .validateAndBuildWithDefaults());
  }

  /** The names missing from the namespace; empty when the server cannot be asked. */
  public static java.util.Optional<List<String>> missing(
      WorkflowServiceStubs stubs, String namespace) {
    OperatorServiceStubs operator = operator(stubs);
    try {
      Map<String, IndexedValueType> custom =
          operator
              .blockingStub()
              .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
              .getCustomAttributesMap();
      return java.util.Optional.of(
          NAMES.stream()
              .filter(n -> custom.get(n) != IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
              .toList());
    } catch (StatusRuntimeException cannotAsk) {
      return java.util.Optional.empty();
    } finally {
      operator.shutdownNow();
    }
  }

  /** Adds the ones that are missing (needs the operator API). */
  public static void register(WorkflowServiceStubs stubs, String namespace, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    OperatorServiceStubs operator = operator(stubs);
    try {
      AddSearchAttributesRequest.Builder add =
          AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
      names.forEach(n -> add.putSearchAttributes(n, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(add.build());
    } finally {
      operator.shutdownNow();
    }
  }
}
