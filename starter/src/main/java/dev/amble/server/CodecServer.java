package dev.amble.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.amble.codec.EncryptionCodec;
import dev.amble.worker.LimitedHttpServer;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Temporal's codec-server protocol over amble's payload encryption, so that the Web UI (and the
 * {@code temporal} CLI's {@code --codec-endpoint}) show what amble encrypted: {@code POST /encode}
 * and {@code POST /decode}, each taking and returning {@code {"payloads": [...]}} (payloads in
 * protobuf's JSON form).
 *
 * <p>Who may ask, each with a credential a forger cannot copy:
 *
 * <ul>
 *   <li>a program, with {@code Authorization: Bearer TOKEN} (the token of the file the operator
 *       gave);
 *   <li>the Web UI's pages in a browser the operator authorized: the request comes from the Web
 *       UI's origin exactly (CORS grants that origin alone, with credentials) and carries the
 *       cookie {@value #COOKIE} (HttpOnly, SameSite=Strict), which the browser got by opening a
 *       one-time link ({@code /authorize#CODE}). Codes are minted for token holders ({@code POST
 *       /authorize/code}, e.g. by {@code amble server}), last {@link #CODE_LIFETIME} and work once;
 *       the code travels in the link's fragment, which no server sees, and then in a POST body, so
 *       it lands in no server's log.
 * </ul>
 *
 * An {@code Origin} header alone proves nothing (any local program can send one): without the token
 * or the cookie every request is refused. Stalled clients are cut off ({@link LimitedHttpServer});
 * it listens on loopback unless told otherwise.
 */
public final class CodecServer implements AutoCloseable {
  /** The most a request may carry: the server's own payload limit is 2 MiB a payload. */
  static final int MAX_BODY = 16 * 1024 * 1024;

  /** The browser's credential. */
  public static final String COOKIE = "amble_codec";

  /** How long the browser keeps the cookie. */
  static final Duration COOKIE_LIFETIME = Duration.ofDays(30);

  /** How long a one-time code of an authorize link is good for. */
  public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);

  /** Codes not yet used, at most; minting another forgets the oldest. */
  static final int MAX_CODES = 16;

  /** The environment variable that names the token's file (never the token itself: argv shows). */
  public static final String TOKEN_FILE_ENV = "AMBLE_CODEC_SERVER_TOKEN_FILE";

  public static final String AUTHORIZE = "/authorize";
  public static final String MINT = "/authorize/code";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final LimitedHttpServer http;
  private final String webUiOrigin;
  private final byte[] token;
  private final byte[] cookie;
  private final Clock clock;
  private final Map<String, Instant> codes = new LinkedHashMap<>();

  private CodecServer(
      LimitedHttpServer http,
      EncryptionCodec codec,
      String webUiOrigin,
      String token,
      Clock clock) {
    this.http = http;
    this.webUiOrigin = webUiOrigin;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.cookie = cookieValue(token).getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
    http.http().createContext("/encode", exchange -> handle(exchange, codec::encode));
    http.http().createContext("/decode", exchange -> handle(exchange, codec::decode));
    http.http().createContext(AUTHORIZE, this::authorize);
  }

  /**
   * Starts serving on {@code address} (port 0: any free one).
   *
   * @param webUiOrigin the Web UI's origin, scheme, host and port, e.g. {@code
   *     http://127.0.0.1:8233}
   * @param token the bearer token of programs, from which the browser's cookie is derived too
   */
  public static CodecServer start(
      InetSocketAddress address, EncryptionCodec codec, String webUiOrigin, String token)
      throws IOException {
    return start(address, codec, webUiOrigin, token, Clock.systemUTC());
  }

  static CodecServer start(
      InetSocketAddress address,
      EncryptionCodec codec,
      String webUiOrigin,
      String token,
      Clock clock)
      throws IOException {
    LimitedHttpServer http = LimitedHttpServer.create(address, "amble-codec");
    CodecServer server = new CodecServer(http, codec, stripSlash(webUiOrigin), token, clock);
    http.http().start();
    return server;
  }

  public InetSocketAddress address() {
    return http.address();
  }

  /**
   * A one-time link that authorizes a browser, from the codec server at {@code server} (its base
   * URL, e.g. {@code http://127.0.0.1:8234}), asked with {@code token}.
   *
   * @throws IOException when it cannot be reached or refuses the token
   */
  public static URI authorizeLink(URI server, String token)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(server.resolve(MINT))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(
          "the codec server at " + server + " gave no link (HTTP " + r.statusCode() + ")");
    }
    return server.resolve(AUTHORIZE + "#" + r.body().strip());
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
        if (exchange.getRequestMethod().equals("OPTIONS")) {
          // A preflight carries no credential and gets no payload: it only lets the POST follow.
          out.set("Access-Control-Allow-Methods", "POST, OPTIONS");
          out.set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization");
          out.set("Access-Control-Max-Age", "600");
          exchange.sendResponseHeaders(204, -1);
          return;
        }
      }
      boolean program = bearerTokenMatches(in.getFirst("Authorization"));
      boolean browser = origin.isPresent() && cookieMatches(in.get("Cookie"));
      if (!program && !browser) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        reply(
            exchange,
            401,
            "text/plain",
            origin.isPresent()
                ? "this browser is not authorized: open the link `amble server` (or `amble"
                    + " codec-server link`) prints"
                : "a bearer token is needed");
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST, OPTIONS");
        reply(exchange, 405, "text/plain", "POST only");
        return;
      }
      Optional<byte[]> body = LimitedHttpServer.readAtMost(exchange.getRequestBody(), MAX_BODY);
      if (body.isEmpty()) {
        reply(exchange, 413, "text/plain", "the request is larger than " + MAX_BODY + " bytes");
        return;
      }
      Payloads.Builder request = Payloads.newBuilder();
      try {
        JsonFormat.parser()
            .ignoringUnknownFields()
            .merge(new String(body.get(), StandardCharsets.UTF_8), request);
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

  /**
   * {@code GET /authorize}: the page that posts the code of its link's fragment back; {@code POST
   * /authorize}: a valid code buys the cookie; {@code POST /authorize/code}: a token holder mints a
   * code.
   */
  private void authorize(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals(MINT) && method.equals("POST")) {
        if (!bearerTokenMatches(exchange.getRequestHeaders().getFirst("Authorization"))) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
          reply(exchange, 401, "text/plain", "a bearer token is needed");
          return;
        }
        reply(exchange, 200, "text/plain", mintCode());
      } else if (path.equals(AUTHORIZE) && method.equals("GET")) {
        exchange.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        reply(exchange, 200, "text/html", PAGE);
      } else if (path.equals(AUTHORIZE) && method.equals("POST")) {
        Optional<byte[]> body = LimitedHttpServer.readAtMost(exchange.getRequestBody(), 256);
        if (body.isEmpty() || !useCode(new String(body.get(), StandardCharsets.UTF_8).strip())) {
          reply(
              exchange,
              403,
              "text/plain",
              "this link was used already or has expired: `amble server` (or `amble codec-server"
                  + " link`) prints a new one");
          return;
        }
        exchange
            .getResponseHeaders()
            .set(
                "Set-Cookie",
                COOKIE
                    + "="
                    + new String(cookie, StandardCharsets.UTF_8)
                    + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                    + COOKIE_LIFETIME.toSeconds());
        reply(exchange, 200, "text/plain", webUiOrigin);
      } else {
        reply(exchange, 404, "text/plain", "not found");
      }
    } catch (RuntimeException e) {
      System.err.println("amble codec-server: " + e.getClass().getSimpleName());
    }
  }

  private synchronized String mintCode() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    while (codes.size() >= MAX_CODES) {
      codes.remove(codes.keySet().iterator().next());
    }
    codes.put(code, clock.instant().plus(CODE_LIFETIME));
    return code;
  }

  /** Whether {@code code} is one not yet used nor expired; it is used up either way. */
  private synchronized boolean useCode(String code) {
    Instant now = clock.instant();
    codes.values().removeIf(expiry -> !now.isBefore(expiry));
    Optional<String> match =
        codes.keySet().stream()
            .filter(
                c ->
                    MessageDigest.isEqual(
                        c.getBytes(StandardCharsets.UTF_8), code.getBytes(StandardCharsets.UTF_8)))
            .findFirst();
    match.ifPresent(codes::remove);
    return match.isPresent();
  }

  private boolean bearerTokenMatches(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorization.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private boolean cookieMatches(List<String> headers) {
    if (headers == null) {
      return false;
    }
    boolean found = false;
    for (String header : headers) {
      for (String pair : header.split(";")) {
        String p = pair.strip();
        if (p.startsWith(COOKIE + "=")) {
          byte[] given = p.substring(COOKIE.length() + 1).getBytes(StandardCharsets.UTF_8);
          found |= MessageDigest.isEqual(given, cookie);
        }
      }
    }
    return found;
  }

  /** The browser's cookie: derived from the token, so a new token withdraws every cookie. */
  static String cookieValue(String token) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              mac.doFinal("amble codec-server browser cookie".getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String PAGE_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'none'";

  /** Takes the code from the fragment (and out of the address bar), posts it, goes to the UI. */
  private static final String PAGE =
      """
      <!doctype html>
      <html><head><meta charset="utf-8"><title>amble codec server</title></head>
      <body><p id="said">Authorizing this browser to decrypt amble's payloads ...</p>
      <script>
      const code = location.hash.slice(1);
      history.replaceState(null, "", location.pathname);
      const said = document.getElementById("said");
      fetch("/authorize", {method: "POST", body: code, credentials: "same-origin"})
        .then(async r => {
          const text = await r.text();
          if (r.ok && /^https?:\\/\\//.test(text)) {
            said.textContent = "Authorized: the Web UI at " + text + " now shows payloads.";
            location.replace(text);
          } else {
            said.textContent = text;
          }
        })
        .catch(e => { said.textContent = "The codec server did not answer: " + e; });
      </script></body></html>
      """;

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
    http.close();
  }
}
