package dev.amble.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.worker.LimitedHttpServer;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amble codec-server}'s HTTP side, through real requests on a loopback port. */
class CodecServerTest {
  private static final String UI = "http://127.0.0.1:18233";
  private static final String TOKEN = "a-token-for-programs-0123456789";
  private static final String MARKER = "codec-server-marker";

  @TempDir Path dir;
  private EncryptionCodec codec;
  private CodecServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final TestClock clock = new TestClock();

  @BeforeEach
  void start() throws Exception {
    codec = new EncryptionCodec(CodecKeys.of("test", List.of(CodecKey.create(dir.resolve("k1")))));
    server =
        CodecServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            codec,
            UI + "/",
            TOKEN,
            clock);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.address().getPort());
  }

  /** What the authorize page does: posts the link's fragment, and keeps the cookie it gets. */
  private HttpResponse<String> redeem(URI link) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base().resolve(CodecServer.AUTHORIZE))
            .POST(HttpRequest.BodyPublishers.ofString(link.getFragment()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The cookie a browser holds after opening a fresh link. */
  private String browserCookie() throws Exception {
    HttpResponse<String> r = redeem(CodecServer.authorizeLink(base(), TOKEN));
    assertEquals(200, r.statusCode(), r.body());
    return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Payload plain() {
    return DefaultDataConverter.newDefaultInstance().toPayload(MARKER).orElseThrow();
  }

  private static String body(Payload... payloads) throws Exception {
    return JsonFormat.printer().print(Payloads.newBuilder().addAllPayloads(List.of(payloads)));
  }

  private static List<Payload> payloads(HttpResponse<String> r) throws Exception {
    Payloads.Builder b = Payloads.newBuilder();
    JsonFormat.parser().merge(r.body(), b);
    return b.getPayloadsList();
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theWebUiDecodesWhatAmbleEncrypted() throws Exception {
    Payload encrypted = codec.encode(List.of(plain())).get(0);

    HttpResponse<String> r =
        post(
            "/decode?preserveStorageRefs=true",
            body(encrypted),
            "Origin",
            UI,
            "X-Namespace",
            "default",
            "Cookie",
            "_csrf=x; " + browserCookie());

    assertEquals(200, r.statusCode(), r.body());
    assertEquals(List.of(plain()), payloads(r));
    assertEquals(Optional.of(UI), r.headers().firstValue("Access-Control-Allow-Origin"));
    assertEquals(Optional.of("true"), r.headers().firstValue("Access-Control-Allow-Credentials"));
  }

  @Test
  void theWebUisOriginAloneGetsNothing() throws Exception {
    Payload encrypted = codec.encode(List.of(plain())).get(0);
    for (String path : List.of("/decode", "/encode")) {
      HttpResponse<String> forged = post(path, body(encrypted), "Origin", UI);
      assertEquals(401, forged.statusCode(), path);
      assertFalse(forged.body().contains(MARKER));
      HttpResponse<String> wrongCookie =
          post(path, body(encrypted), "Origin", UI, "Cookie", CodecServer.COOKIE + "=guess");
      assertEquals(401, wrongCookie.statusCode(), path);
    }
    // The cookie without the Web UI's origin (another page, a program) gets nothing either.
    assertEquals(401, post("/decode", body(encrypted), "Cookie", browserCookie()).statusCode());
  }

  @Test
  void theCookieIsHttpOnlyStrictAndTheLinkWorksOnce() throws Exception {
    URI link = CodecServer.authorizeLink(base(), TOKEN);
    assertEquals(CodecServer.AUTHORIZE, link.getPath());
    assertTrue(link.getFragment().length() >= 40, link.toString());

    HttpResponse<String> first = redeem(link);
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(UI, first.body());
    String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith(CodecServer.COOKIE + "="), setCookie);
    assertTrue(setCookie.contains("; HttpOnly"), setCookie);
    assertTrue(setCookie.contains("; SameSite=Strict"), setCookie);
    assertFalse(setCookie.contains(TOKEN), "the cookie is not the token");

    HttpResponse<String> again = redeem(link);
    assertEquals(403, again.statusCode());
    assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
  }

  @Test
  void anExpiredOrGuessedCodeBuysNoCookie() throws Exception {
    URI link = CodecServer.authorizeLink(base(), TOKEN);
    clock.now = clock.now.plus(CodecServer.CODE_LIFETIME);
    assertEquals(403, redeem(link).statusCode());
    assertEquals(403, redeem(URI.create("http://x/authorize#guess")).statusCode());
  }

  @Test
  void onlyTokenHoldersMintLinks() throws Exception {
    IOException e =
        assertThrows(IOException.class, () -> CodecServer.authorizeLink(base(), TOKEN + "x"));
    assertTrue(e.getMessage().contains("401"), e.getMessage());
    HttpResponse<String> forged =
        post(CodecServer.MINT, "", "Origin", UI, "Cookie", browserCookie());
    assertEquals(401, forged.statusCode());
  }

  @Test
  void theAuthorizePageKeepsTheCodeOutOfTheServersSight() throws Exception {
    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(base().resolve(CodecServer.AUTHORIZE)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("location.hash"), page.body());
    assertTrue(page.body().contains("history.replaceState"), page.body());
    assertTrue(
        page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src"));
    assertEquals(Optional.of("no-referrer"), page.headers().firstValue("Referrer-Policy"));
  }

  @Test
  void theWebUisPreflightIsGrantedToItsOriginOnly() throws Exception {
    HttpRequest preflight =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.address().getPort() + "/decode"))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", UI)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,x-namespace")
            .build();

    HttpResponse<String> r = http.send(preflight, HttpResponse.BodyHandlers.ofString());

    assertEquals(204, r.statusCode());
    assertEquals(Optional.of(UI), r.headers().firstValue("Access-Control-Allow-Origin"));
    assertTrue(
        r.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("X-Namespace"));
  }

  @Test
  void otherOriginsAreRefusedEvenWithTheToken() throws Exception {
    Payload encrypted = codec.encode(List.of(plain())).get(0);
    for (String origin :
        List.of("http://evil.example", "http://127.0.0.1:18234", "http://localhost:18233")) {
      HttpResponse<String> r =
          post("/decode", body(encrypted), "Origin", origin, "Authorization", "Bearer " + TOKEN);

      assertEquals(403, r.statusCode(), origin);
      assertFalse(r.body().contains(MARKER));
      assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), origin);
    }
  }

  @Test
  void programsNeedTheBearerToken() throws Exception {
    Payload encrypted = codec.encode(List.of(plain())).get(0);

    assertEquals(401, post("/decode", body(encrypted)).statusCode());
    assertEquals(
        401,
        post("/decode", body(encrypted), "Authorization", "Bearer " + TOKEN + "x").statusCode());
    HttpResponse<String> ok = post("/decode", body(encrypted), "Authorization", "Bearer " + TOKEN);
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(List.of(plain()), payloads(ok));
  }

  @Test
  void encodeThenDecodeRoundTripsAndPlainPayloadsPassThrough() throws Exception {
    String cookie = browserCookie();
    HttpResponse<String> encoded = post("/encode", body(plain()), "Origin", UI, "Cookie", cookie);
    assertEquals(200, encoded.statusCode(), encoded.body());
    Payload encrypted = payloads(encoded).get(0);
    assertTrue(EncryptionCodec.isEncrypted(encrypted));
    assertFalse(encoded.body().contains(MARKER));

    HttpResponse<String> decoded =
        post("/decode", body(encrypted, plain()), "Authorization", "Bearer " + TOKEN);
    assertEquals(List.of(plain(), plain()), payloads(decoded));
  }

  @Test
  void aPayloadUnderAnUnknownKeyIsRefusedNamingTheKey() throws Exception {
    EncryptionCodec other =
        new EncryptionCodec(CodecKeys.of("other", List.of(CodecKey.create(dir.resolve("k2")))));
    Payload foreign = other.encode(List.of(plain())).get(0);

    HttpResponse<String> r = post("/decode", body(foreign), "Authorization", "Bearer " + TOKEN);

    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains(EncryptionCodec.keyId(foreign).get()), r.body());
  }

  @Test
  void onlyPostAndJson() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/decode"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals(400, post("/decode", "not json", "Authorization", "Bearer " + TOKEN).statusCode());
  }

  /**
   * More clients than the server has threads send half a request and stall: a good request is still
   * answered (the stalled ones are cut off at the request deadline), and every stalled client is
   * hung up on. The old server (4 threads, no deadline) never answered.
   */
  @Test
  void stalledClientsDoNotBlockAGoodOne() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < LimitedHttpServer.MAX_CONNECTIONS / 2; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
        s.getOutputStream()
            .write(
                "POST /decode HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: %s\r\n"
                    .formatted(UI)
                    .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      Payload encrypted = codec.encode(List.of(plain())).get(0);
      HttpResponse<String> good =
          http.send(
              HttpRequest.newBuilder(base().resolve("/decode"))
                  .timeout(Duration.ofSeconds(60)) // fails, rather than hangs, on a frozen server
                  .header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(body(encrypted)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, good.statusCode(), good.body());
      assertEquals(List.of(plain()), payloads(good));
      for (Socket s : stalled) {
        s.setSoTimeout(60_000);
        try {
          s.getInputStream().readAllBytes(); // until the server hangs up
        } catch (SocketTimeoutException e) {
          throw new AssertionError("a stalled client was never hung up on", e);
        } catch (IOException reset) {
          // hung up on, too
        }
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void aBodyOverTheCapIsRefusedUnread() throws Exception {
    HttpResponse<String> r =
        post("/decode", "x".repeat(CodecServer.MAX_BODY + 1), "Authorization", "Bearer " + TOKEN);
    assertEquals(413, r.statusCode());
  }
}
