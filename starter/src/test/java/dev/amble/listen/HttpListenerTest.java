package dev.amble.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The HTTP endpoint as an attacker tries it: half-sent requests that stall, bodies larger than a
 * message, messages its token does not allow. A stub steering stands for Temporal.
 */
class HttpListenerTest {
  private static final String TOKEN = "listen-token-0123456789abcdef";
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  private final List<EventMessage> handled = new CopyOnWriteArrayList<>();
  private final StringWriter log = new StringWriter();

  private final Steering steering =
      (m, source) -> {
        handled.add(m);
        return Outcome.accepted("started " + m.id());
      };

  private HttpListener start(ListenToken token, HttpListener.Limits limits) throws Exception {
    return HttpListener.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        token,
        steering,
        new PrintWriter(log),
        limits);
  }

  private static HttpResponse<String> post(HttpListener l, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + l.address().getPort() + HttpListener.PATH))
            // A bound for the test only: the old endpoint never answered this at all.
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String catchMessage(String id, String workspace) {
    return "{\"id\":\"" + id + "\",\"action\":\"catch\",\"workspace\":\"" + workspace + "\"}";
  }

  /** Opens a connection that sends {@code part} of a request, then nothing more. */
  private static Socket stall(HttpListener l, String part) throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), l.address().getPort());
    OutputStream out = s.getOutputStream();
    out.write(part.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  @Test
  void stalledRequestsDoNotStopOthersBeingServed() throws Exception {
    try (HttpListener l = start(new ListenToken(TOKEN, Grant.LEAST), HttpListener.Limits.DEFAULT)) {
      List<Socket> stalled = new ArrayList<>();
      try {
        // More than every pool the endpoint has: half a header, and whole headers with half a body.
        for (int i = 0; i < 12; i++) {
          stalled.add(stall(l, "POST /events HTTP/1.1\r\nHost: x\r\nAuthoriz"));
          stalled.add(
              stall(
                  l,
                  "POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + TOKEN
                      + "\r\nContent-Length: 200\r\n\r\n{\"id\":"));
        }
        HttpResponse<String> r = post(l, TOKEN, catchMessage("c-1", "prod"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"outcome\":\"accepted\""), r.body());
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }

  @Test
  void aConnectionThatStallsIsClosedAtItsDeadline() throws Exception {
    HttpListener.Limits limits =
        new HttpListener.Limits(Duration.ofMillis(300), Duration.ofSeconds(30), 8, 1, 1);
    try (HttpListener l = start(new ListenToken(TOKEN, Grant.LEAST), limits);
        Socket header = stall(l, "POST /events HTTP/1.1\r\nHost: x\r\n");
        Socket body =
            stall(
                l,
                "POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN
                    + "\r\nContent-Length: 100\r\n\r\n{")) {
      for (Socket s : List.of(header, body)) {
        s.setSoTimeout(60_000); // a bound for the test: the old endpoint kept them open forever
        InputStream in = s.getInputStream();
        byte[] rest = in.readAllBytes(); // ends when the endpoint closes the connection
        assertTrue(
            rest.length == 0 || new String(rest, StandardCharsets.UTF_8).startsWith("HTTP/1.1 4"),
            new String(rest, StandardCharsets.UTF_8));
      }
      assertTrue(handled.isEmpty(), "nothing half-sent is handled");
    }
  }

  @Test
  void aBodyLargerThanAMessageIsRefusedUnread() throws Exception {
    try (HttpListener l = start(new ListenToken(TOKEN, Grant.LEAST), HttpListener.Limits.DEFAULT)) {
      // Announced: refused on its header, before a byte of it is read.
      try (Socket s =
          stall(
              l,
              "POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Length: 1000000000\r\n\r\n")) {
        s.setSoTimeout(60_000);
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
      }
      // Chunked, with no length announced: refused once it passes the most a message may have.
      HttpRequest chunked =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + l.address().getPort() + HttpListener.PATH))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + TOKEN)
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      () -> new java.io.ByteArrayInputStream(new byte[1024 * 1024])))
              .build();
      int status;
      try {
        status = HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (java.io.IOException e) {
        status = 413; // the endpoint closed the connection while the client still sent
      }
      assertEquals(413, status);
      assertTrue(handled.isEmpty());
    }
  }

  @Test
  void theTokenAndItsGrantAreChecked() throws Exception {
    try (HttpListener l = start(new ListenToken(TOKEN, Grant.LEAST), HttpListener.Limits.DEFAULT)) {
      assertEquals(401, post(l, null, catchMessage("c-1", "prod")).statusCode());
      assertEquals(401, post(l, TOKEN + "x", catchMessage("c-1", "prod")).statusCode());
      // A bare token may not lift the workspace's failure budget or waves.
      HttpResponse<String> budget =
          post(
              l,
              TOKEN,
              "{\"id\":\"r-1\",\"action\":\"run\",\"workspace\":\"prod\",\"content\":\""
                  + DIGEST
                  + "\",\"options\":{\"max_failures\":\"100%\",\"waves\":[\"100%\"]}}");
      assertEquals(403, budget.statusCode(), budget.body());
      assertTrue(budget.body().contains("may not override max_failures, waves"), budget.body());
      // Nor make a worker read a file as the host list.
      HttpResponse<String> file =
          post(
              l,
              TOKEN,
              "{\"id\":\"r-2\",\"action\":\"run\",\"workspace\":\"prod\",\"content\":\""
                  + DIGEST
                  + "\",\"limit\":\"@/etc/passwd\"}");
      assertEquals(400, file.statusCode(), file.body());
      assertTrue(file.body().contains("limit must not name a file"), file.body());
      assertTrue(handled.isEmpty(), "nothing refused reached Temporal: " + handled);
      // The seed alone is no override.
      HttpResponse<String> seeded =
          post(
              l,
              TOKEN,
              "{\"id\":\"r-3\",\"action\":\"run\",\"workspace\":\"prod\",\"content\":\""
                  + DIGEST
                  + "\",\"options\":{\"seed\":7}}");
      assertEquals(200, seeded.statusCode(), seeded.body());
    }
    assertTrue(!log.toString().contains(TOKEN), "the token is never logged");
  }

  @Test
  void aNarrowTokenDoesOnlyWhatItNames() throws Exception {
    Grant catchProd =
        new Grant(Set.of(EventMessage.Action.CATCH), Set.of("default/prod"), Set.of());
    try (HttpListener l = start(new ListenToken(TOKEN, catchProd), HttpListener.Limits.DEFAULT)) {
      assertEquals(200, post(l, TOKEN, catchMessage("c-1", "prod")).statusCode());
      HttpResponse<String> other = post(l, TOKEN, catchMessage("c-2", "stage"));
      assertEquals(403, other.statusCode(), other.body());
      HttpResponse<String> cancel =
          post(
              l,
              TOKEN,
              "{\"id\":\"x-1\",\"action\":\"cancel\",\"workspace\":\"prod\",\"rollout\":\"r\"}");
      assertEquals(403, cancel.statusCode(), cancel.body());
      assertTrue(cancel.body().contains("may not cancel (it may catch)"), cancel.body());
      assertEquals(1, handled.size());
    }
  }

  /**
   * A client may not pause longer than the idle timeout, but Temporal may take longer to answer.
   */
  @Test
  void aSlowAnswerIsStillDelivered() throws Exception {
    HttpListener.Limits limits =
        new HttpListener.Limits(Duration.ofSeconds(30), Duration.ofMillis(200), 8, 1, 1);
    Steering slow =
        (m, source) -> {
          try {
            Thread.sleep(1500); // a slow Temporal: longer than the idle timeout
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Outcome.accepted("slow " + m.id());
        };
    try (HttpListener l =
        HttpListener.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new ListenToken(TOKEN, Grant.LEAST),
            slow,
            new PrintWriter(log),
            limits)) {
      HttpResponse<String> r = post(l, TOKEN, catchMessage("c-1", "prod"));
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  @Test
  void headersLargerThanTheCapAreRefused() throws Exception {
    try (HttpListener l = start(new ListenToken(TOKEN, Grant.LEAST), HttpListener.Limits.DEFAULT);
        Socket s =
            stall(
                l,
                "POST /events HTTP/1.1\r\nHost: x\r\nX-Pad: "
                    + "a".repeat(HttpListener.MAX_HEADER_BYTES + 1)
                    + "\r\n\r\n")) {
      s.setSoTimeout(60_000);
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
      assertTrue(handled.isEmpty());
    }
  }
}
