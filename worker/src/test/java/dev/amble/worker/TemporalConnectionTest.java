package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * What a connection refused for TLS tells the operator to fix, from the exceptions gRPC wraps (the
 * same causes TlsServerTest meets against the real server).
 */
class TemporalConnectionTest {
  private static final TemporalConnection PLAIN =
      TemporalConnection.plain("127.0.0.1:7233", "default");
  private static final TemporalConnection MTLS =
      TemporalConnection.mtls(
          "127.0.0.1:7233",
          "default",
          Path.of("/tls/client.pem"),
          Path.of("/tls/client.key"),
          Path.of("/tls/ca.pem"));
  private static final TemporalConnection TLS_WITHOUT_CERTIFICATE =
      TemporalConnection.fromEnvironment(
          Map.of("TEMPORAL_TLS", "true", "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "/tls/ca.pem"),
          Optional.empty(),
          Optional.empty());

  private static StatusRuntimeException unavailable(Throwable cause) {
    return Status.UNAVAILABLE.withDescription("io exception").withCause(cause).asRuntimeException();
  }

  @Test
  void aServerThatDoesNotRunIsNoTlsProblem() {
    StatusRuntimeException refused =
        unavailable(new ConnectException("Connection refused: /127.0.0.1:7233"));
    assertEquals(Optional.empty(), PLAIN.tlsProblem(refused));
    assertEquals(Optional.empty(), MTLS.tlsProblem(refused));
  }

  @Test
  void eachRefusalSaysWhatToSet() {
    SSLHandshakeException alert =
        new SSLHandshakeException("Received fatal alert: certificate_required");
    assertTrue(
        TLS_WITHOUT_CERTIFICATE
            .tlsProblem(unavailable(alert))
            .orElseThrow()
            .startsWith("it requires a client certificate (mTLS): set"));
    assertTrue(
        MTLS.tlsProblem(unavailable(alert))
            .orElseThrow()
            .startsWith("it refused the client certificate /tls/client.pem"));
    assertTrue(
        MTLS.tlsProblem(
                unavailable(
                    new SSLHandshakeException(
                        "PKIX path building failed: unable to find valid certification path")))
            .orElseThrow()
            .contains("set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed the server's"));
    assertTrue(
        PLAIN
            .tlsProblem(
                Status.UNAVAILABLE
                    .withDescription("Network closed for unknown reason")
                    .asRuntimeException())
            .orElseThrow()
            .contains("probably requires TLS: set TEMPORAL_TLS=true"));
    assertTrue(
        MTLS.tlsProblem(
                unavailable(
                    new io.grpc.netty.shaded.io.netty.handler.ssl.NotSslRecordException(
                        "not an SSL/TLS record")))
            .orElseThrow()
            .startsWith("it does not speak TLS"));
  }

  @Test
  void theApiKeyNeverPrints() {
    String secret = "tmprl-api-key-9f8e7d6c5b4a";
    TemporalConnection cloud =
        TemporalConnection.fromEnvironment(
            Map.of("TEMPORAL_ADDRESS", "ns.tmprl.cloud:7233", "TEMPORAL_API_KEY", secret),
            Optional.empty(),
            Optional.empty());

    assertTrue(cloud.apiKey().isPresent());
    assertFalse(cloud.toString().contains(secret), cloud.toString());
    assertFalse(String.valueOf(List.of(cloud)).contains(secret));
    assertTrue(cloud.toString().contains("apiKey=(set, not shown)"), cloud.toString());
    assertTrue(cloud.toString().contains("ns.tmprl.cloud:7233"), cloud.toString());
    assertTrue(PLAIN.toString().contains("apiKey=none"), PLAIN.toString());
  }
}
