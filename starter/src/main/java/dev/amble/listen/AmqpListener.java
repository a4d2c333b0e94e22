package dev.amble.listen;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Consumes a durable queue, one message at a time, acked only after Temporal accepted it (or it is
 * a duplicate of one accepted before). A refused message (malformed, forbidden by the queue's
 * {@link Grant}, unknown, refused, or one whose handling failed unexpectedly) is published to the
 * durable queue {@code QUEUE.dead} with the reason in its header {@value #REASON_HEADER}, then
 * acked: no message stops the consumer. One Temporal did not answer is requeued. A connection lost
 * is recovered by the client's automatic recovery; a channel closed or a consumer cancelled (say,
 * the queue deleted) is reopened, with a backoff, until {@link #close}.
 */
public final class AmqpListener implements AutoCloseable {
  /** The header of a dead-lettered message that says why it was refused. */
  public static final String REASON_HEADER = "x-amble-reason";

  /** The header of a dead-lettered message that says what kind of refusal it was. */
  public static final String OUTCOME_HEADER = "x-amble-outcome";

  /** How long connecting (TCP and TLS) and the AMQP handshake may each take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final long RETRY_AFTER_MILLIS = 5000;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final Connection connection;
  private final String queue;
  private final Steering steering;
  private final Grant grant;
  private final PrintWriter log;
  private final ScheduledExecutorService reopener;
  private volatile boolean closing;
  private long backoffMillis = 1000;

  private AmqpListener(
      Connection connection, String queue, Steering steering, Grant grant, PrintWriter log) {
    this.connection = connection;
    this.queue = queue;
    this.steering = steering;
    this.grant = grant;
    this.log = log;
    this.reopener =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "amble-listen-amqp-reopen");
              t.setDaemon(true);
              return t;
            });
  }

  /** The dead-letter queue of {@code queue}. */
  public static String deadQueue(String queue) {
    return queue + ".dead";
  }

  /**
   * Connects to {@code url} ({@code amqp://USER:PASSWORD@HOST:PORT/VHOST} or {@code amqps://...};
   * never logged), declares the queues and consumes until {@link #close}. For {@code amqps} the
   * broker's certificate must chain to {@code caFile}'s certificates (PEM) when given, else to the
   * JVM's trust store, and name the URL's host.
   */
  public static AmqpListener start(
      String url,
      Optional<Path> caFile,
      String queue,
      Grant grant,
      Steering steering,
      PrintWriter log)
      throws Exception {
    ConnectionFactory factory = factory(url, caFile);
    Connection connection = factory.newConnection("amble listen");
    AmqpListener listener = new AmqpListener(connection, queue, steering, grant, log);
    try {
      listener.consume();
    } catch (IOException | RuntimeException e) {
      connection.abort();
      throw e;
    }
    return listener;
  }

  /** The connection settings: bounded connect and handshake, verified TLS, recovery. */
  static ConnectionFactory factory(String url, Optional<Path> caFile)
      throws GeneralSecurityException, IOException, java.net.URISyntaxException {
    ConnectionFactory factory = new ConnectionFactory();
    boolean tls = url.regionMatches(true, 0, "amqps:", 0, "amqps:".length());
    if (tls) {
      // Before setUri: otherwise it sets up TLS by itself, without checking the host name.
      factory.useSslProtocol(sslContext(caFile));
      factory.enableHostnameVerification();
    } else if (caFile.isPresent()) {
      throw new IllegalArgumentException("a CA file is for amqps:// URLs only");
    }
    factory.setUri(url);
    factory.setConnectionTimeout((int) CONNECT_TIMEOUT.toMillis());
    factory.setHandshakeTimeout((int) CONNECT_TIMEOUT.toMillis());
    factory.setRequestedHeartbeat(30);
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(5000);
    // A consumer's exception is logged, not a reason to close its channel (we catch them anyway).
    factory.setExceptionHandler(new ForgivingExceptionHandler());
    return factory;
  }

  /** TLS that trusts {@code caFile}'s certificates only, or the JVM's trust store without one. */
  static SSLContext sslContext(Optional<Path> caFile) throws GeneralSecurityException, IOException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile.isPresent()) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      try (InputStream in = Files.newInputStream(caFile.get())) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + n++, c);
        }
      }
      if (n == 0) {
        throw new GeneralSecurityException(caFile.get() + " holds no PEM certificate");
      }
      trust.init(store);
    } else {
      trust.init((KeyStore) null);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Opens a channel, declares the queues and consumes; reopened when it closes or is cancelled. */
  private void consume() throws IOException {
    Channel channel = connection.createChannel();
    channel.queueDeclare(deadQueue(queue), true, false, false, null);
    channel.queueDeclare(queue, true, false, false, null);
    channel.basicQos(1);
    channel.basicConsume(queue, false, new Consumer(channel, queue, steering, grant, log));
    // A channel's own closing (not the connection's: automatic recovery reopens those); called at
    // once if it closed already.
    channel.addShutdownListener(
        cause -> {
          if (!cause.isHardError()) {
            reopen("the channel closed (" + cause.getMessage() + ")");
          }
        });
    synchronized (this) {
      backoffMillis = 1000;
    }
  }

  /** Consumes again after a backoff, unless closing or the connection is recovering by itself. */
  private void reopen(String why) {
    if (closing) {
      return;
    }
    long wait;
    synchronized (this) {
      wait = backoffMillis;
      backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    }
    say("amqp:" + queue + ": " + why + "; consuming again in " + wait / 1000.0 + " s");
    reopener.schedule(
        () -> {
          if (closing) {
            return;
          }
          if (!connection.isOpen()) {
            reopen("the connection is down (it recovers by itself)");
            return;
          }
          try {
            consume();
            say("amqp:" + queue + ": consuming again");
          } catch (IOException | RuntimeException e) {
            reopen("cannot consume: " + e.getClass().getSimpleName());
          }
        },
        wait,
        TimeUnit.MILLISECONDS);
  }

  private void say(String line) {
    synchronized (log) {
      log.println("amble listen: " + line);
      log.flush();
    }
  }

  /**
   * Handles each delivery: never throws out of {@link #handleDelivery} for a message's sake; an
   * unexpected exception dead-letters that message. When acking or dead-lettering itself fails, the
   * channel is closed so that the message is delivered again on a channel reopened.
   */
  static final class Consumer extends DefaultConsumer {
    private final String queue;
    private final Steering steering;
    private final Grant grant;
    private final PrintWriter log;

    Consumer(Channel channel, String queue, Steering steering, Grant grant, PrintWriter log) {
      super(channel);
      this.queue = queue;
      this.steering = steering;
      this.grant = grant;
      this.log = log;
    }

    @Override
    public void handleDelivery(
        String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
        throws IOException {
      String source = "amqp:" + queue;
      Outcome outcome;
      try {
        outcome = steering.handle(body, source, grant);
      } catch (RuntimeException e) {
        outcome = Outcome.failed("internal error: " + e.getClass().getName());
      }
      synchronized (log) {
        log.printf("amble listen: %s: %s%n", source, outcome.line());
        log.flush();
      }
      Channel channel = getChannel();
      try {
        if (outcome.kind() == Outcome.Kind.UNAVAILABLE) {
          try {
            Thread.sleep(RETRY_AFTER_MILLIS); // Temporal is down: not at once again
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          channel.basicNack(envelope.getDeliveryTag(), false, true);
          return;
        }
        if (!outcome.done()) {
          Map<String, Object> headers = new HashMap<>();
          if (properties.getHeaders() != null) {
            headers.putAll(properties.getHeaders());
          }
          headers.put(REASON_HEADER, outcome.reason());
          headers.put(OUTCOME_HEADER, outcome.kind().word());
          channel.basicPublish(
              "",
              deadQueue(queue),
              properties.builder().headers(headers).deliveryMode(2).build(),
              body);
        }
        channel.basicAck(envelope.getDeliveryTag(), false);
      } catch (IOException | RuntimeException e) {
        // Unacked: the broker delivers it again once this channel is gone.
        channel.abort();
      }
    }

    @Override
    public void handleCancel(String consumerTag) throws IOException {
      // The broker cancelled it (the queue was deleted, say): the channel's closing reopens it.
      getChannel().abort(AMQP.REPLY_SUCCESS, "the broker cancelled the consumer");
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
      // The channel's shutdown listener reopens it.
    }
  }

  @Override
  public void close() throws IOException {
    closing = true;
    reopener.shutdownNow();
    connection.close();
  }
}
