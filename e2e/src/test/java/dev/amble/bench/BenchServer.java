package dev.amble.bench;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Temporal's in-memory test server in a process of its own (so that its CPU is measured apart
 * from the bench's), bound to 127.0.0.1:PORT as dev.amble.worker.EmbeddedTemporal binds it.
 * Prints "listening" once it serves; runs until killed.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    services.getServices().forEach(builder::addService);
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("temporal.api.workflowservice.v1.WorkflowService", HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, HealthCheckResponse.ServingStatus.SERVING);
    builder.addService(health.getHealthService());
    Server server = builder.build().start();
    System.out.println("listening 127.0.0.1:" + port);
    System.out.flush();
    server.awaitTermination();
  }
}
