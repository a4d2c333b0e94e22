package dev.amble.listen;

/** What a listener does with a well-formed message: asks Temporal, and says what became of it. */
public interface Steering {
  /**
   * @param source where the message came from, e.g. {@code amqp:amble} or {@code http}: recorded
   *     with what it starts
   */
  Outcome handle(EventMessage message, String source);

  /**
   * Parses {@code body}, checks it against what its sender may do, then {@link #handle}s it; a
   * malformed or forbidden one is answered as such, and nothing is asked of Temporal.
   */
  default Outcome handle(byte[] body, String source, Grant grant) {
    EventMessage message;
    try {
      message = EventMessage.parse(body);
      grant.check(message);
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
