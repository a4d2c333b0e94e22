package dev.amble.listen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executors;

/**
 * {@code POST /events} with a bearer token: one {@link EventMessage} per request, answered with its
 * {@link Outcome} (200 accepted or duplicate, 400, 401, 404, 409, 503). The token is compared in
 * constant time; neither it nor the body is logged.
 */
public final class HttpListener implements AutoCloseable {
  public static final String PATH = "/events";

  private final HttpServer server;

  private HttpListener(HttpServer server) {
    this.server = server;
  }

  /** Serves on {@code address} until {@link #close}. */
  public static HttpListener start(
      InetSocketAddress address, byte[] token, Steering steering, PrintWriter log)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.createContext(
        PATH,
        exchange -> {
          try (exchange) {
            answer(exchange, token, steering, log);
          } catch (RuntimeException e) {
            log.printf("amble listen: http: %s%n", e);
            log.flush();
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return new HttpListener(server);
  }

  /** Where it listens (the port it was given, or the one picked for port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void answer(
      HttpExchange exchange, byte[] token, Steering steering, PrintWriter log) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      send(exchange, 405, "{\"outcome\":\"refused\",\"reason\":\"POST a message\"}");
      return;
    }
    if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"), token)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      send(exchange, 401, "{\"outcome\":\"unauthorized\",\"reason\":\"a bearer token is needed\"}");
      log.println("amble listen: http: refused a request without the right token");
      log.flush();
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(EventMessage.MAX_BYTES + 1);
    }
    Outcome outcome = steering.handle(body, "http");
    log.printf("amble listen: http: %s%n", outcome.line());
    log.flush();
    send(exchange, outcome.kind().http(), outcome.json());
  }

  /** {@code Bearer TOKEN} with the right token, compared in constant time. */
  static boolean authorized(String header, byte[] token) {
    String prefix = "Bearer ";
    byte[] given =
        header != null && header.regionMatches(true, 0, prefix, 0, prefix.length())
            ? header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    return token.length > 0 && MessageDigest.isEqual(given, token);
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(1);
    if (server.getExecutor() instanceof java.util.concurrent.ExecutorService e) {
      e.shutdownNow();
    }
  }
}
