package dev.amble.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Envelope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/** What the queue's consumer does with each delivery, on a mocked channel. */
class AmqpListenerTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @TempDir Path dir;

  private final StringWriter log = new StringWriter();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void deliver(AmqpListener.Consumer consumer, long tag, String body)
      throws Exception {
    consumer.handleDelivery(
        "ctag",
        new Envelope(tag, false, "", "amble"),
        new AMQP.BasicProperties.Builder().build(),
        bytes(body));
  }

  private static String reason(Channel channel, int times) throws Exception {
    ArgumentCaptor<AMQP.BasicProperties> props =
        ArgumentCaptor.forClass(AMQP.BasicProperties.class);
    verify(channel, times(times))
        .basicPublish(eq(""), eq("amble.dead"), props.capture(), any(byte[].class));
    return props.getValue().getHeaders().get(AmqpListener.REASON_HEADER).toString();
  }

  /**
   * A message whose handling throws (a bug, an exception nobody expected) is dead-lettered with the
   * reason and acked, and the next message is handled: before, the exception left handleDelivery,
   * the client closed the channel, and the queue was consumed no more (and after each restart the
   * same message did it again).
   */
  @Test
  void aMessageThatThrowsIsDeadLetteredAndTheNextIsHandled() throws Exception {
    Channel channel = mock(Channel.class);
    Steering steering =
        (m, source) -> {
          if (m.id().equals("poison")) {
            throw new IllegalStateException("boom");
          }
          return Outcome.accepted("caught " + m.id());
        };
    AmqpListener.Consumer consumer =
        new AmqpListener.Consumer(channel, "amble", steering, Grant.LEAST, new PrintWriter(log));
    deliver(consumer, 1, "{\"id\":\"poison\",\"action\":\"catch\",\"workspace\":\"w\"}");
    assertEquals("internal error: java.lang.IllegalStateException", reason(channel, 1));
    verify(channel).basicAck(1, false);
    deliver(consumer, 2, "{\"id\":\"fine\",\"action\":\"catch\",\"workspace\":\"w\"}");
    verify(channel).basicAck(2, false);
    verify(channel, never()).close();
    verify(channel, never()).abort();
    assertTrue(log.toString().contains("accepted: caught fine"), log.toString());
  }

  /** What the queue's grant does not allow is dead-lettered as forbidden, never asked. */
  @Test
  void theQueuesGrantIsChecked() throws Exception {
    Channel channel = mock(Channel.class);
    Steering never =
        (m, source) -> {
          throw new AssertionError("asked " + m);
        };
    AmqpListener.Consumer consumer =
        new AmqpListener.Consumer(channel, "amble", never, Grant.LEAST, new PrintWriter(log));
    deliver(
        consumer,
        7,
        "{\"id\":\"r\",\"action\":\"run\",\"workspace\":\"w\",\"content\":\""
            + DIGEST
            + "\",\"options\":{\"max_failures\":\"100%\"}}");
    assertTrue(reason(channel, 1).contains("may not override max_failures"));
    verify(channel).basicAck(7, false);
  }

  /** When the ack itself fails the channel is dropped, so the broker delivers the message again. */
  @Test
  void aFailedAckDropsTheChannel() throws Exception {
    Channel channel = mock(Channel.class);
    org.mockito.Mockito.doThrow(new java.io.IOException("gone"))
        .when(channel)
        .basicAck(anyLong(), eq(false));
    AmqpListener.Consumer consumer =
        new AmqpListener.Consumer(
            channel, "amble", (m, s) -> Outcome.accepted("ok"), Grant.LEAST, new PrintWriter(log));
    deliver(consumer, 3, "{\"id\":\"a\",\"action\":\"catch\",\"workspace\":\"w\"}");
    verify(channel).abort();
  }

  @Test
  void amqpsChecksTheHostNameAndTakesAPrivateCa() throws Exception {
    ConnectionFactory plain = AmqpListener.factory("amqp://u:p@127.0.0.1:5672/v", Optional.empty());
    assertEquals((int) AmqpListener.CONNECT_TIMEOUT.toMillis(), plain.getConnectionTimeout());
    assertEquals((int) AmqpListener.CONNECT_TIMEOUT.toMillis(), plain.getHandshakeTimeout());
    assertTrue(plain.isAutomaticRecoveryEnabled());
    assertTrue(!plain.isSSL());
    ConnectionFactory tls = AmqpListener.factory("amqps://u:p@broker:5671/v", Optional.empty());
    assertTrue(tls.isSSL());
    Path empty = Files.writeString(dir.resolve("ca.pem"), "no certificate here\n");
    assertThrows(
        java.security.GeneralSecurityException.class,
        () -> AmqpListener.factory("amqps://u:p@broker:5671/v", Optional.of(empty)));
    assertThrows(
        IllegalArgumentException.class,
        () -> AmqpListener.factory("amqp://u:p@broker:5672/v", Optional.of(empty)));
  }

  /**
   * amqps with a private CA: a broker whose certificate chains to the CA and names the host is
   * talked to; one reached by a name its certificate lacks, or without the CA, is not.
   */
  @Test
  void amqpsVerifiesTheChainAndTheHostName() throws Exception {
    dev.amble.server.TlsCertificates certs =
        new dev.amble.server.TlsCertificates(dir.resolve("tls"));
    certs.ensure(java.time.Instant.now());
    // The certificate names 127.0.0.1 and localhost, not 127.0.0.2.
    try (TlsBroker good = new TlsBroker(certs, "127.0.0.1");
        TlsBroker misnamed = new TlsBroker(certs, "127.0.0.2")) {
      assertTrue(handshake(good, Optional.of(certs.ca())), "the CA's broker, by its name");
      assertTrue(!handshake(misnamed, Optional.of(certs.ca())), "a name the certificate lacks");
      assertTrue(!handshake(good, Optional.empty()), "a CA the JVM does not trust");
    }
  }

  /** Whether the broker saw a TLS handshake through (the AMQP one fails: it is no broker). */
  private static boolean handshake(TlsBroker broker, Optional<Path> ca) throws Exception {
    ConnectionFactory f =
        AmqpListener.factory(
            "amqps://u:p@" + broker.host + ":" + broker.socket.getLocalPort() + "/v", ca);
    assertThrows(Exception.class, () -> f.newConnection("test").close());
    return broker.handshakes.take();
  }

  /** A TLS server with the certificates' server.pem: it records each handshake, then hangs up. */
  private static final class TlsBroker implements AutoCloseable {
    final String host;
    final javax.net.ssl.SSLServerSocket socket;
    final java.util.concurrent.BlockingQueue<Boolean> handshakes =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread thread;

    TlsBroker(dev.amble.server.TlsCertificates certs, String host) throws Exception {
      this.host = host;
      java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      java.security.PrivateKey key =
          java.security.KeyFactory.getInstance("EC")
              .generatePrivate(
                  new java.security.spec.PKCS8EncodedKeySpec(
                      java.util.Base64.getMimeDecoder()
                          .decode(
                              Files.readString(certs.serverKey())
                                  .replaceAll("-----[A-Z ]+-----", ""))));
      java.security.cert.Certificate cert;
      try (var in = Files.newInputStream(certs.serverCert())) {
        cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      keys.setKeyEntry("server", key, new char[0], new java.security.cert.Certificate[] {cert});
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      socket =
          (javax.net.ssl.SSLServerSocket)
              context
                  .getServerSocketFactory()
                  .createServerSocket(0, 8, java.net.InetAddress.getByName(host));
      thread =
          new Thread(
              () -> {
                while (!socket.isClosed()) {
                  try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) socket.accept()) {
                    s.setSoTimeout(30_000);
                    try {
                      s.startHandshake();
                      s.getInputStream().read(); // the client's first bytes: it trusted us
                      handshakes.add(true);
                    } catch (java.io.IOException e) {
                      handshakes.add(false);
                    }
                  } catch (java.io.IOException e) {
                    return; // closed
                  }
                }
              },
              "tls-broker");
      thread.start();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join();
    }
  }
}
