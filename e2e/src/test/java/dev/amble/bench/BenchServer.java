package dev.amble.bench;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedList;

/**
 * Temporal's in-memory test server in a process of its own (so that its CPU is measured apart
 * from the bench's), bound to 127.0.0.1:PORT as dev.amble.worker.EmbeddedTemporal binds it.
 * Prints "listening" once it serves; runs until killed.
 *
 * <p>The test server (temporal-test-server 1.38.0) keeps every time-skipping lock and unlock event
 * in a linked list, "for debugging purposes only", and never drops the ones its request contexts
 * add; each timer task then removes its own event with a linear search of that list. Its cost per
 * host therefore grows with every host walked before (measured: 28 hosts/s at 10,000 hosts, 14
 * after 27,000; every stack sample of the server in LinkedList.remove). The bench replaces the list
 * with one that keeps nothing, so that the figures measure amble and not that list.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    TestServicesStarter services = new TestServicesStarter(true, 0);
    forgetLockEvents(services);
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

  private static void forgetLockEvents(TestServicesStarter services) throws ReflectiveOperationException {
    Field timerField = TestServicesStarter.class.getDeclaredField("selfAdvancingTimer");
    timerField.setAccessible(true);
    Object timer = timerField.get(services);
    Field events = timer.getClass().getDeclaredField("lockEvents");
    events.setAccessible(true);
    events.set(timer, new NoEvents());
  }

  /** A list of debug events that keeps none: adding and removing always succeed. */
  private static final class NoEvents extends LinkedList<Object> {
    @Override
    public boolean add(Object event) {
      return true;
    }

    @Override
    public boolean remove(Object event) {
      return true;
    }
  }
}
