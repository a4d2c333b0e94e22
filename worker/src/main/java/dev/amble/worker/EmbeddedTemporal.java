package dev.amble.worker;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedList;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's Java test server in this process, on a loopback TCP port so that other amble commands
 * (status, catch, release) can reach it while it runs. In memory: nothing survives the process.
 *
 * <p>TestServer.createPortBoundServer would listen on every interface; an unauthenticated Temporal
 * has no business there, so the same services are bound to 127.0.0.1 here (through the test
 * server's TestServicesStarter, the class createPortBoundServer itself uses).
 *
 * <p>The test server (temporal-test-server 1.38.0) keeps every time-skipping lock and unlock event
 * in a linked list, "for debugging purposes only", never drops the ones its request contexts add,
 * and removes each timer task's own event by a linear search of that list: its cost per host grows
 * with every host walked before (bench/orchestrate --embedded: 28 hosts/s at 10,000 hosts, 14 after
 * 27,000, every stack sample of the server in LinkedList.remove; 136 hosts/s over 100,000 hosts
 * without the list). The server started here gets a list that keeps nothing.
 *
 * <p>This process's own client and worker reach the same services in process ({@link #stubs()}):
 * gRPC's in-process transport hands the requests over as objects, without the TCP connection,
 * HTTP/2 framing and protobuf encoding the loopback port costs each long poll and each task (about
 * a tenth of a 20-host rollout's JVM CPU).
 */
public final class EmbeddedTemporal implements AutoCloseable {
  private final TestServicesStarter services;
  private final Server server;
  private final Server inProcess;
  private final ManagedChannel channel;
  private final int port;

  private EmbeddedTemporal(
      TestServicesStarter services,
      Server server,
      Server inProcess,
      String inProcessName,
      int port) {
    this.services = services;
    this.server = server;
    this.inProcess = inProcess;
    this.channel = InProcessChannelBuilder.forName(inProcessName).build();
    this.port = port;
  }

  /**
   * On the default port ({@link LocalTemporal#FRONTEND_PORT}) when that is free, else on any free
   * port.
   */
  public static EmbeddedTemporal start() {
    return on(
        LocalTemporal.isFree(LocalTemporal.FRONTEND_PORT)
            ? LocalTemporal.FRONTEND_PORT
            : LocalTemporal.anyFreePort());
  }

  /**
   * On exactly this loopback port (0: any free one).
   *
   * @throws IllegalArgumentException if another program holds the port
   */
  public static EmbeddedTemporal on(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not a TCP port (0 to 65535)");
    }
    TestServicesStarter services = new TestServicesStarter(true, 0);
    forgetTimeLockEvents(services);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    String name = "amble-embedded-" + InProcessServerBuilder.generateName();
    InProcessServerBuilder local = InProcessServerBuilder.forName(name);
    try {
      Server server = withServices(builder, services).build().start();
      try {
        Server inProcess = withServices(local, services).build().start();
        return new EmbeddedTemporal(services, server, inProcess, name, server.getPort());
      } catch (IOException | RuntimeException e) {
        server.shutdownNow();
        throw e;
      }
    } catch (IOException e) {
      services.close();
      if (port != 0 && !LocalTemporal.isFree(port)) {
        throw new IllegalArgumentException(
            "port " + port + " on " + LocalTemporal.HOST + " is taken by another program", e);
      }
      throw new IllegalStateException("cannot start the embedded Temporal server on " + port, e);
    }
  }

  /** {@code builder} serving the test server's services and gRPC's health service. */
  private static ServerBuilder<?> withServices(
      ServerBuilder<?> builder, TestServicesStarter services) {
    services.getServices().forEach(builder::addService);
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(
        "temporal.api.workflowservice.v1.WorkflowService",
        HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus(
        HealthStatusManager.SERVICE_NAME_ALL_SERVICES, HealthCheckResponse.ServingStatus.SERVING);
    builder.addService(health.getHealthService());
    return builder;
  }

  /**
   * Replaces the test server's debug list of time-lock events with one that keeps nothing. When a
   * later SDK has no such field, the server is left as it is: slower on long walks, still correct.
   */
  private static void forgetTimeLockEvents(TestServicesStarter services) {
    try {
      Field timerField = TestServicesStarter.class.getDeclaredField("selfAdvancingTimer");
      timerField.setAccessible(true);
      Object timer = timerField.get(services);
      Field events = timer.getClass().getDeclaredField("lockEvents");
      events.setAccessible(true);
      if (events.get(timer) instanceof LinkedList<?>) {
        events.set(timer, new NoEvents());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // another SDK's test server: nothing to forget
    }
  }

  /** A list of debug events that keeps none: adding and removing always succeed. */
  private static final class NoEvents extends LinkedList<Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean add(Object event) {
      return true;
    }

    @Override
    public boolean remove(Object event) {
      return true;
    }
  }

  public String address() {
    return LocalTemporal.address(port);
  }

  /** Stubs for this process's own client and worker, in process (other processes use the port). */
  public WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setChannel(channel).build());
  }

  @Override
  public void close() {
    server.shutdown();
    inProcess.shutdown();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
      inProcess.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
    server.shutdownNow();
    inProcess.shutdownNow();
    channel.shutdownNow();
  }
}
