package dev.amble.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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

  @BeforeEach
  void start() throws Exception {
    codec = new EncryptionCodec(CodecKeys.of("test", List.of(CodecKey.create(dir.resolve("k1")))));
    server =
        CodecServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            codec,
            UI + "/",
            Optional.of(TOKEN));
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
        post("/decode", body(encrypted), "Origin", UI, "X-Namespace", "default");

    assertEquals(200, r.statusCode(), r.body());
    assertEquals(List.of(plain()), payloads(r));
    assertEquals(Optional.of(UI), r.headers().firstValue("Access-Control-Allow-Origin"));
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
    HttpResponse<String> encoded = post("/encode", body(plain()), "Origin", UI);
    assertEquals(200, encoded.statusCode(), encoded.body());
    Payload encrypted = payloads(encoded).get(0);
    assertTrue(EncryptionCodec.isEncrypted(encrypted));
    assertFalse(encoded.body().contains(MARKER));

    HttpResponse<String> decoded = post("/decode", body(encrypted, plain()), "Origin", UI);
    assertEquals(List.of(plain(), plain()), payloads(decoded));
  }

  @Test
  void aPayloadUnderAnUnknownKeyIsRefusedNamingTheKey() throws Exception {
    EncryptionCodec other =
        new EncryptionCodec(CodecKeys.of("other", List.of(CodecKey.create(dir.resolve("k2")))));
    Payload foreign = other.encode(List.of(plain())).get(0);

    HttpResponse<String> r = post("/decode", body(foreign), "Origin", UI);

    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains(EncryptionCodec.keyId(foreign).get()), r.body());
  }

  @Test
  void onlyPostAndJson() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.address().getPort() + "/decode"))
                .header("Origin", UI)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());
    assertEquals(400, post("/decode", "not json", "Origin", UI).statusCode());
  }
}
