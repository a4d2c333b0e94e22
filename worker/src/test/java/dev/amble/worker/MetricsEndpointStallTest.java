package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that open a scrape and never finish it: more of them than the endpoint has threads, and a
 * good scrape is still answered; each stalled client is hung up on at the request deadline. The old
 * endpoint (no executor: its one dispatcher thread read every request) froze on the first.
 */
class MetricsEndpointStallTest {
  @Test
  void stalledScrapesDoNotBlockAGoodOne() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      try {
        for (int i = 0; i < LimitedHttpServer.MAX_CONNECTIONS / 2; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.address().getPort());
          s.getOutputStream()
              .write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          stalled.add(s);
        }
        HttpResponse<String> good =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(endpoint.url()))
                        .timeout(Duration.ofSeconds(60)) // fails, rather than hangs, when frozen
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, good.statusCode());
        assertTrue(
            good.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
            good.headers().toString());
        for (Socket s : stalled) {
          s.setSoTimeout(60_000);
          try {
            s.getInputStream().readAllBytes(); // until the endpoint hangs up
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
  }
}
