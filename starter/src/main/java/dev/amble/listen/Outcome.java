package dev.amble.listen;

/**
 * What became of a message: the HTTP status it is answered with, and for AMQP whether it is acked
 * ({@link Kind#ACCEPTED}, {@link Kind#DUPLICATE}), dead-lettered with the reason then acked (a
 * refusal: malformed, forbidden, unknown, refused), or requeued ({@link Kind#UNAVAILABLE}: Temporal
 * did not answer; nothing was accepted).
 *
 * @param kind what became of it
 * @param reason what happened, for the sender: the workflow started, or why it was refused
 */
public record Outcome(Kind kind, String reason) {
  /** What became of a message, with its HTTP status. */
  public enum Kind {
    ACCEPTED(200, "accepted"),
    DUPLICATE(200, "duplicate"),
    MALFORMED(400, "malformed"),
    FORBIDDEN(403, "forbidden"),
    UNKNOWN(404, "unknown"),
    REFUSED(409, "refused"),
    FAILED(500, "failed"),
    UNAVAILABLE(503, "unavailable");

    private final int http;
    private final String word;

    Kind(int http, String word) {
      this.http = http;
      this.word = word;
    }

    public int http() {
      return http;
    }

    public String word() {
      return word;
    }
  }

  public static Outcome accepted(String what) {
    return new Outcome(Kind.ACCEPTED, what);
  }

  public static Outcome duplicate(String what) {
    return new Outcome(Kind.DUPLICATE, what);
  }

  public static Outcome malformed(String why) {
    return new Outcome(Kind.MALFORMED, why);
  }

  /** The token (or the queue's grant) does not allow what the message asks. */
  public static Outcome forbidden(String why) {
    return new Outcome(Kind.FORBIDDEN, why);
  }

  public static Outcome unknown(String why) {
    return new Outcome(Kind.UNKNOWN, why);
  }

  public static Outcome refused(String why) {
    return new Outcome(Kind.REFUSED, why);
  }

  /** Handling it failed unexpectedly (a bug): refused, so that it does not come back forever. */
  public static Outcome failed(String why) {
    return new Outcome(Kind.FAILED, why);
  }

  public static Outcome unavailable(String why) {
    return new Outcome(Kind.UNAVAILABLE, why);
  }

  /** Acked as done: accepted, or a duplicate of a message accepted before. */
  public boolean done() {
    return kind == Kind.ACCEPTED || kind == Kind.DUPLICATE;
  }

  /** {@code {"outcome": "...", "reason": "..."}}, the HTTP answer's body. */
  public String json() {
    var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    node.put("outcome", kind.word());
    node.put("reason", reason);
    return node.toString();
  }

  /** One line for the listener's log. */
  public String line() {
    return kind.word() + ": " + reason;
  }
}
