package dev.amble.amblefile;

/**
 * A number of hosts, written either as a count ({@code 5}) or as a percentage of the hosts a
 * rollout walks ({@code "10%"}).
 */
public record Amount(int value, boolean percent) {
  public static Amount count(int n) {
    return new Amount(n, false);
  }

  public static Amount percent(int p) {
    return new Amount(p, true);
  }

  /** "5" or "10%", at least {@code min} (a percentage at most 100%); empty when it is not. */
  public static java.util.Optional<Amount> parse(String text, int min) {
    String t = text.strip();
    try {
      if (t.endsWith("%")) {
        int p = Integer.parseInt(t.substring(0, t.length() - 1));
        return p >= min && p <= 100
            ? java.util.Optional.of(percent(p))
            : java.util.Optional.empty();
      }
      int n = Integer.parseInt(t);
      return n >= min ? java.util.Optional.of(count(n)) : java.util.Optional.empty();
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * As a wave size: a percentage (of the hosts the plan walks, {@code toWalk}) rounds up, and a
   * wave holds at least one host.
   */
  public int waveSize(int toWalk) {
    int n = percent ? (int) Math.ceil(toWalk * value / 100.0) : value;
    return Math.max(1, n);
  }

  /** As a failure budget: a percentage rounds down (a budget never grows by rounding). */
  public int budget(int toWalk) {
    return percent ? (int) Math.floor(toWalk * value / 100.0) : value;
  }

  @Override
  public String toString() {
    return percent ? value + "%" : Integer.toString(value);
  }
}
