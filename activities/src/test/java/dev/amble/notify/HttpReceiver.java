package dev.amble.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP receiver for notification tests (com.sun.net.httpserver on 127.0.0.1, a free port):
 * keeps each request and answers with {@link #answer}.
 */
public final class HttpReceiver implements AutoCloseable {
  /** One request as received: the exact body bytes, as UTF-8. */
  public record Request(String path, Map<String, List<String>> headers, String body) {}

  private final BlockingQueue<Request> received = new ArrayBlockingQueue<>(100);
  private final HttpServer server;
  public volatile int answer = 200;

  public HttpReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        x -> {
          String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(new Request(x.getRequestURI().getPath(), x.getRequestHeaders(), body));
          x.sendResponseHeaders(answer, -1);
          x.close();
        });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next request, waiting up to ten seconds; null when none came. */
  public Request next() throws InterruptedException {
    return received.poll(10, TimeUnit.SECONDS);
  }

  /** A request received already, or null: does not wait. */
  public Request poll() {
    return received.poll();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
