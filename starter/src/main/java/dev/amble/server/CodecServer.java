package dev.amble.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.amble.codec.EncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Temporal's codec-server protocol over amble's payload encryption, so that the Web UI (and the
 * {@code temporal} CLI's {@code --codec-endpoint}) show what amble encrypted: {@code POST /encode}
 * and {@code POST /decode}, each taking and returning {@code {"payloads": [...]}} (payloads in
 * protobuf's JSON form).
 *
 * <p>Who may ask: a browser request (it has an {@code Origin} header) only from the configured Web
 * UI origin, exactly; any other origin is refused, and CORS grants only that one (a page of another
 * site, even one that reaches this server by a rebound DNS name, sends its own origin). A request
 * without an origin (a program) only with the bearer token, when one is configured. It listens on
 * loopback unless told otherwise.
 */
public final class CodecServer implements AutoCloseable {
  /** The most a request may carry: the server's own payload limit is 2 MiB a payload. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  private final HttpServer http;
  private final ExecutorService threads;
  private final EncryptionCodec codec;
  private final String webUiOrigin;
  private final Optional<byte[]> token;

  private CodecServer(
      HttpServer http, EncryptionCodec codec, String webUiOrigin, Optional<String> token) {
    this.http = http;
    this.codec = codec;
    this.webUiOrigin = webUiOrigin;
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.threads = Executors.newFixedThreadPool(4);
    http.setExecutor(threads);
    http.createContext("/encode", exchange -> handle(exchange, codec::encode));
    http.createContext("/decode", exchange -> handle(exchange, codec::decode));
  }

  /**
   * Starts serving on {@code address} (port 0: any free one).
   *
   * @param webUiOrigin the Web UI's origin, scheme, host and port, e.g. {@code
   *     http://127.0.0.1:8233}
   * @param token the bearer token programs must send; none: only the Web UI is served
   */
  public static CodecServer start(
      InetSocketAddress address, EncryptionCodec codec, String webUiOrigin, Optional<String> token)
      throws IOException {
    HttpServer http = HttpServer.create(address, 0);
    CodecServer server = new CodecServer(http, codec, stripSlash(webUiOrigin), token);
    http.start();
    return server;
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  private void handle(HttpExchange exchange, Function<List<Payload>, List<Payload>> transform)
      throws IOException {
    try (exchange) {
      Headers in = exchange.getRequestHeaders();
      Optional<String> origin = Optional.ofNullable(in.getFirst("Origin"));
      if (origin.isPresent()) {
        if (!origin.get().equals(webUiOrigin)) {
          reply(exchange, 403, "text/plain", "origin refused: only the Web UI may ask");
          return;
        }
        Headers out = exchange.getResponseHeaders();
        out.set("Access-Control-Allow-Origin", webUiOrigin);
        out.set("Access-Control-Allow-Credentials", "true");
        out.set("Vary", "Origin");
      } else if (!bearerTokenMatches(in.getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        reply(
            exchange,
            401,
            "text/plain",
            token.isPresent()
                ? "a bearer token is needed"
                : "only the Web UI may ask (no token is configured for other clients)");
        return;
      }
      if (exchange.getRequestMethod().equals("OPTIONS") && origin.isPresent()) {
        Headers out = exchange.getResponseHeaders();
        out.set("Access-Control-Allow-Methods", "POST, OPTIONS");
        out.set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization");
        out.set("Access-Control-Max-Age", "600");
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST, OPTIONS");
        reply(exchange, 405, "text/plain", "POST only");
        return;
      }
      byte[] body = readAtMost(exchange.getRequestBody(), MAX_BODY);
      if (body == null) {
        reply(exchange, 413, "text/plain", "the request is larger than " + MAX_BODY + " bytes");
        return;
      }
      Payloads.Builder request = Payloads.newBuilder();
      try {
        JsonFormat.parser()
            .ignoringUnknownFields()
            .merge(new String(body, StandardCharsets.UTF_8), request);
      } catch (InvalidProtocolBufferException e) {
        reply(exchange, 400, "text/plain", "the body is not {\"payloads\": [...]}");
        return;
      }
      Payloads response;
      try {
        response =
            Payloads.newBuilder()
                .addAllPayloads(transform.apply(request.getPayloadsList()))
                .build();
      } catch (PayloadCodecException e) {
        reply(exchange, 400, "text/plain", e.getMessage());
        return;
      }
      reply(exchange, 200, "application/json", JsonFormat.printer().print(response));
    } catch (RuntimeException e) {
      // The exchange is closed; the message stays out of the answer, which it may not fit.
      System.err.println("amble codec-server: " + e.getClass().getSimpleName());
    }
  }

  private boolean bearerTokenMatches(String authorization) {
    if (token.isEmpty() || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.get());
  }

  /** The whole body, or null if it is longer than {@code max}. */
  private static byte[] readAtMost(InputStream in, int max) throws IOException {
    byte[] body = in.readNBytes(max + 1);
    return body.length > max ? null : body;
  }

  private static void reply(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String stripSlash(String origin) {
    return origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
  }

  @Override
  public void close() {
    http.stop(0);
    threads.shutdownNow();
  }
}
