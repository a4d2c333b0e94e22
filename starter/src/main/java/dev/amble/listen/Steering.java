package dev.amble.listen;

/** What a listener does with a well-formed message: asks Temporal, and says what became of it. */
public interface Steering {
  /**
   * @param source where the message came from, e.g. {@code amqp:amble} or {@code http}: recorded
   *     with what it starts
   */
  Outcome handle(EventMessage message, String source);

  /** Parses {@code body}, then {@link #handle}s it; a malformed one is answered as such. */
  default Outcome handle(byte[] body, String source) {
    EventMessage message;
    try {
      message = EventMessage.parse(body);
    } catch (EventMessage.Refused e) {
      return e.outcome();
    }
    try {
      return handle(message, source);
    } catch (EventMessage.Refused e) {
      return e.outcome();
    }
  }
}
