package dev.amble.worker;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HTTP server with the limits an amble door needs, so that stalled or greedy clients
 * cannot freeze it: a deadline for reading a whole request (headers and body: a client that sends a
 * request slower than that is disconnected), a deadline for handling and sending the answer, a cap
 * on open connections (more are closed at once) and on request headers, and a thread for every
 * connection it keeps (the JDK reads a request's headers on a handler thread: with fewer threads, a
 * few clients that stall in their headers would hold all of them until the deadline, and a good
 * request waiting behind them would meet the deadline too). Idle threads end after a while. Bodies
 * are capped by the handler ({@link #readAtMost}).
 *
 * <p>The JDK reads these limits from system properties once per process, when its first HTTP server
 * is made: {@link #applyLimits} sets them (unless the operator set them otherwise), and every amble
 * process calls it before any server exists.
 */
public record LimitedHttpServer(HttpServer http, ExecutorService threads) implements AutoCloseable {
  /** The longest a client may take to send a whole request, from its connection on. */
  public static final int REQUEST_SECONDS = 10;

  /**
   * The longest from a request's last byte to its answer's last: the handler's work and a slow
   * reader's. Generous, as `amble listen`'s handler may wait on Temporal; it bounds a client that
   * never reads its answer.
   */
  public static final int RESPONSE_SECONDS = 120;

  /** Open connections a server keeps at most; more are closed unanswered. */
  public static final int MAX_CONNECTIONS = 64;

  /** Idle keep-alive connections are closed after this. */
  public static final int IDLE_SECONDS = 10;

  /** Request headers: at most this many, and this many bytes in all. */
  static final int MAX_HEADERS = 64;

  static final int MAX_HEADER_BYTES = 16 * 1024;

  /** Sets the JDK HTTP server's limits for this process, unless set already. */
  public static void applyLimits() {
    setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(RESPONSE_SECONDS));
    setIfAbsent("sun.net.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    setIfAbsent("sun.net.httpserver.idleInterval", Integer.toString(IDLE_SECONDS));
    setIfAbsent("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_HEADERS));
    setIfAbsent("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_HEADER_BYTES));
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /**
   * Binds {@code address}, with up to {@link #MAX_CONNECTIONS} handler threads (daemons named
   * {@code name-N}); not started yet: add the contexts, then {@code http().start()}.
   */
  public static LimitedHttpServer create(InetSocketAddress address, String name)
      throws IOException {
    applyLimits();
    HttpServer http = HttpServer.create(address, 50);
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            MAX_CONNECTIONS,
            MAX_CONNECTIONS,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    http.setExecutor(pool);
    return new LimitedHttpServer(http, pool);
  }

  /** The whole body, or empty if it is longer than {@code max} bytes (the rest is not read). */
  public static Optional<byte[]> readAtMost(InputStream in, int max) throws IOException {
    byte[] body = in.readNBytes(max + 1);
    return body.length > max ? Optional.empty() : Optional.of(body);
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
