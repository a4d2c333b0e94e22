package dev.amble.notify;

import java.time.Duration;

/**
 * How long and how much one delivery attempt may take: a receiver that is slow, never answers or
 * streams forever costs one bounded attempt, never a worker's thread or memory.
 *
 * @param connect to open the connection
 * @param read to wait for the reply (HTTP: its headers; SMTP: each line), and for each write
 * @param total the whole attempt, reply included
 * @param replyBytes the most of a reply read (HTTP: its body, the rest discarded; SMTP: everything
 *     the server sends in the conversation, TLS included)
 * @param beat how often the waiting activity heartbeats
 */
record DeliveryLimits(
    Duration connect, Duration read, Duration total, int replyBytes, Duration beat) {
  static final DeliveryLimits DEFAULT =
      new DeliveryLimits(
          Duration.ofSeconds(10),
          Duration.ofSeconds(20),
          Duration.ofSeconds(30),
          64 * 1024,
          Duration.ofSeconds(1));

  /** SMTP reads the server's certificates through the same cap: give it room for a long chain. */
  int smtpBytes() {
    return replyBytes * 4;
  }
}
