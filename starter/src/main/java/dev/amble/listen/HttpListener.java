package dev.amble.listen;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * {@code POST /events} with a bearer token: one {@link EventMessage} per request, answered with its
 * {@link Outcome} (200 accepted or duplicate, 400, 401, 403, 404, 409, 413, 500, 503). The token is
 * compared in constant time; neither it nor the body is logged.
 *
 * <p>Bounded against slow and large requests ({@link Limits}): requests are read without holding a
 * thread (Jetty), each connection must deliver its headers and body within {@link
 * Limits#requestTimeout} and never stall longer than {@link Limits#idleTimeout}, the body is at
 * most {@link EventMessage#MAX_BYTES}, the headers 8 KiB, and at most {@link Limits#maxConnections}
 * connections are open at once. One request per connection. Only messages whose bodies arrived
 * whole reach the small pool that asks Temporal; when it is full the answer is 503 at once.
 */
public final class HttpListener implements AutoCloseable {
  public static final String PATH = "/events";

  /**
   * How much of the listener one client can hold, and for how long.
   *
   * @param requestTimeout from a connection's opening until its body has arrived
   * @param idleTimeout the longest wait for the next bytes of a request (or a response's write)
   * @param maxConnections connections open at once; more wait in the kernel's backlog
   * @param steeringThreads requests asked of Temporal at once
   * @param steeringQueue requests waiting for one of those; more are answered 503
   */
  public record Limits(
      Duration requestTimeout,
      Duration idleTimeout,
      int maxConnections,
      int steeringThreads,
      int steeringQueue) {
    public static final Limits DEFAULT =
        new Limits(Duration.ofSeconds(10), Duration.ofSeconds(5), 64, 4, 32);
  }

  static final int MAX_HEADER_BYTES = 8 * 1024;

  /** How long a message may take to be handled (asking Temporal) before its answer is dropped. */
  static final Duration STEERING_TIMEOUT = Duration.ofMinutes(2);

  private final Server server;
  private final ServerConnector connector;
  private final ThreadPoolExecutor steeringPool;

  private HttpListener(Server server, ServerConnector connector, ThreadPoolExecutor steeringPool) {
    this.server = server;
    this.connector = connector;
    this.steeringPool = steeringPool;
  }

  /** Serves on {@code address} until {@link #close}, with the default limits. */
  public static HttpListener start(
      InetSocketAddress address, ListenToken token, Steering steering, PrintWriter log)
      throws Exception {
    return start(address, token, steering, log, Limits.DEFAULT);
  }

  /** Serves on {@code address} until {@link #close}. */
  public static HttpListener start(
      InetSocketAddress address,
      ListenToken token,
      Steering steering,
      PrintWriter log,
      Limits limits)
      throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("amble-listen-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setRequestHeaderSize(MAX_HEADER_BYTES);
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector =
        new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(64);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    Map<Connection, Scheduler.Task> deadlines = new ConcurrentHashMap<>();
    connector.addEventListener(
        new Connection.Listener() {
          @Override
          public void onOpened(Connection connection) {
            deadlines.put(
                connection,
                connector
                    .getScheduler()
                    .schedule(
                        () -> connection.getEndPoint().close(),
                        limits.requestTimeout().toMillis(),
                        TimeUnit.MILLISECONDS));
          }

          @Override
          public void onClosed(Connection connection) {
            Scheduler.Task task = deadlines.remove(connection);
            if (task != null) {
              task.cancel();
            }
          }
        });
    ThreadPoolExecutor steeringPool =
        new ThreadPoolExecutor(
            limits.steeringThreads(),
            limits.steeringThreads(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(limits.steeringQueue()),
            r -> {
              Thread t = new Thread(r, "amble-listen-steer");
              t.setDaemon(true);
              return t;
            });
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
            new Exchange(request, response, callback, token, steering, log, steeringPool)
                .answer(() -> arrived(deadlines, request));
            return true;
          }
        });
    server.start();
    return new HttpListener(server, connector, steeringPool);
  }

  /**
   * The request's body has arrived: its connection's deadline no longer applies, and asking
   * Temporal may take longer than the idle timeout allows a client to pause.
   */
  private static void arrived(Map<Connection, Scheduler.Task> deadlines, Request request) {
    Connection connection = request.getConnectionMetaData().getConnection();
    Scheduler.Task task = deadlines.remove(connection);
    if (task != null) {
      task.cancel();
    }
    connection.getEndPoint().setIdleTimeout(STEERING_TIMEOUT.toMillis());
  }

  /** Where it listens (the port it was given, or the one picked for port 0). */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** One request, answered once. */
  private record Exchange(
      Request request,
      Response response,
      Callback callback,
      ListenToken token,
      Steering steering,
      PrintWriter log,
      ThreadPoolExecutor steeringPool) {

    void answer(Runnable arrived) {
      if (!Request.getPathInContext(request).equals(PATH)) {
        send(404, Outcome.unknown("POST to " + PATH));
        return;
      }
      if (!request.getMethod().equals("POST")) {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
        send(405, Outcome.refused("POST a message"));
        return;
      }
      if (!authorized(request.getHeaders().get(HttpHeader.AUTHORIZATION), token)) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        send(401, new Outcome(Outcome.Kind.MALFORMED, "a bearer token is needed"), "unauthorized");
        log("refused a request without the right token");
        return;
      }
      if (request.getLength() > EventMessage.MAX_BYTES) {
        send(413, tooLarge());
        return;
      }
      Content.Source.asByteArrayAsync(request, EventMessage.MAX_BYTES)
          .whenComplete(
              (body, failure) -> {
                if (failure != null) {
                  // Cut off, timed out, or more than the most a message may have.
                  send(413, tooLarge());
                  return;
                }
                arrived.run();
                try {
                  steeringPool.execute(() -> steer(body));
                } catch (RejectedExecutionException e) {
                  send(503, Outcome.unavailable("busy: too many messages at once; try again"));
                }
              });
    }

    private void steer(byte[] body) {
      Outcome outcome;
      try {
        outcome = steering.handle(body, "http", token.grant());
      } catch (RuntimeException e) {
        // Never the message's content: only what failed.
        outcome = Outcome.failed("internal error: " + e.getClass().getName());
      }
      log(outcome.line());
      send(outcome.kind().http(), outcome);
    }

    private static Outcome tooLarge() {
      return Outcome.malformed("the message has more than " + EventMessage.MAX_BYTES + " bytes");
    }

    private void log(String line) {
      synchronized (log) {
        log.println("amble listen: http: " + line);
        log.flush();
      }
    }

    private void send(int status, Outcome outcome) {
      send(status, outcome, outcome.kind().word());
    }

    private void send(int status, Outcome outcome, String word) {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      node.put("outcome", word);
      node.put("reason", outcome.reason());
      byte[] bytes = (node + "\n").getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
      response.write(true, ByteBuffer.wrap(bytes), callback);
    }
  }

  /** {@code Bearer TOKEN} with the right token, compared in constant time. */
  static boolean authorized(String header, ListenToken token) {
    String prefix = "Bearer ";
    byte[] given =
        header != null && header.regionMatches(true, 0, prefix, 0, prefix.length())
            ? header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    return token.matches(given);
  }

  @Override
  public void close() throws Exception {
    server.stop();
    steeringPool.shutdownNow();
  }
}
