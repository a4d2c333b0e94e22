package dev.amble.listen;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Consumes a durable queue, one message at a time, acked only after Temporal accepted it (or it is
 * a duplicate of one accepted before). A refused message is published to the durable queue {@code
 * QUEUE.dead} with the reason in its header {@value #REASON_HEADER}, then acked; one Temporal did
 * not answer is requeued.
 */
public final class AmqpListener implements AutoCloseable {
  /** The header of a dead-lettered message that says why it was refused. */
  public static final String REASON_HEADER = "x-amble-reason";

  /** The header of a dead-lettered message that says what kind of refusal it was. */
  public static final String OUTCOME_HEADER = "x-amble-outcome";

  private static final long RETRY_AFTER_MILLIS = 5000;

  private final Connection connection;

  private AmqpListener(Connection connection) {
    this.connection = connection;
  }

  /** The dead-letter queue of {@code queue}. */
  public static String deadQueue(String queue) {
    return queue + ".dead";
  }

  /**
   * Connects to {@code url} ({@code amqp://USER:PASSWORD@HOST:PORT/VHOST}; never logged), declares
   * the queues and consumes until {@link #close}.
   */
  public static AmqpListener start(String url, String queue, Steering steering, PrintWriter log)
      throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    factory.setAutomaticRecoveryEnabled(true);
    Connection connection = factory.newConnection("amble listen");
    Channel channel = connection.createChannel();
    channel.queueDeclare(deadQueue(queue), true, false, false, null);
    channel.queueDeclare(queue, true, false, false, null);
    channel.basicQos(1);
    String source = "amqp:" + queue;
    channel.basicConsume(
        queue,
        false,
        new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
              throws IOException {
            Outcome outcome = steering.handle(body, source);
            log.printf("amble listen: %s: %s%n", source, outcome.line());
            log.flush();
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
          }
        });
    return new AmqpListener(connection);
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
