package dev.amble.cli;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.util.MutableHandlerRegistry;
import io.temporal.api.enums.v1.NamespaceState;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Temporal's test server on a free loopback port (never a fixed one another program may hold),
 * answering what it does not implement as a real server does: only the namespace {@code default}
 * exists, and no worker polls any task queue. A test may answer any other call its own way ({@link
 * #answer}), e.g. to make it fail.
 */
final class TestTemporal implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;
  final String address;

  private TestTemporal(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
    this.address = "127.0.0.1:" + server.getPort();
  }

  /** A unary call of Temporal's WorkflowService, answered by {@code answer} (which may throw). */
  static <Q, R> ServerMethodDefinition<Q, R> answer(
      MethodDescriptor<Q, R> method, Function<Q, R> answer) {
    return ServerMethodDefinition.create(
        method,
        ServerCalls.asyncUnaryCall(
            (request, response) -> {
              try {
                response.onNext(answer.apply(request));
                response.onCompleted();
              } catch (StatusRuntimeException e) {
                response.onError(e);
              }
            }));
  }

  static TestTemporal start(ServerMethodDefinition<?, ?>... answers) {
    Map<String, ServerMethodDefinition<?, ?>> own = new LinkedHashMap<>();
    own.put(
        WorkflowServiceGrpc.getDescribeNamespaceMethod().getFullMethodName(),
        answer(
            WorkflowServiceGrpc.getDescribeNamespaceMethod(),
            r -> {
              if (!r.getNamespace().equals("default")) {
                throw Status.NOT_FOUND
                    .withDescription("Namespace " + r.getNamespace() + " is not found.")
                    .asRuntimeException();
              }
              return DescribeNamespaceResponse.newBuilder()
                  .setNamespaceInfo(
                      NamespaceInfo.newBuilder()
                          .setName("default")
                          .setState(NamespaceState.NAMESPACE_STATE_REGISTERED))
                  .build();
            }));
    own.put(
        WorkflowServiceGrpc.getDescribeTaskQueueMethod().getFullMethodName(),
        answer(
            WorkflowServiceGrpc.getDescribeTaskQueueMethod(),
            r -> DescribeTaskQueueResponse.getDefaultInstance()));
    for (ServerMethodDefinition<?, ?> a : answers) {
      own.put(a.getMethodDescriptor().getFullMethodName(), a);
    }
    ServerServiceDefinition.Builder overrides =
        ServerServiceDefinition.builder(WorkflowServiceGrpc.SERVICE_NAME);
    own.values().forEach(overrides::addMethod);

    TestServicesStarter services = new TestServicesStarter(true, 0);
    MutableHandlerRegistry rest = new MutableHandlerRegistry();
    services.getServices().forEach(rest::addService);
    try {
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .addService(overrides.build())
              .fallbackHandlerRegistry(rest)
              .build()
              .start();
      return new TestTemporal(services, server);
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(e);
    }
  }

  Map<String, String> env() {
    return Map.of("TEMPORAL_ADDRESS", address);
  }

  @Override
  public void close() {
    server.shutdownNow();
    services.close();
  }
}
