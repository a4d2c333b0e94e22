package dev.amble.amblefile;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** The closest of the known names to a misspelt one, if any is close enough to be a typo. */
final class DidYouMean {
  private DidYouMean() {}

  static Optional<String> closest(String wrong, Collection<String> known) {
    int limit = Math.max(2, wrong.length() / 3);
    return known.stream()
        .filter(k -> distance(wrong.toLowerCase(), k.toLowerCase()) <= limit)
        .min(Comparator.comparingInt((String k) -> distance(wrong, k)).thenComparing(k -> k));
  }

  /** "; did you mean "x"?" or nothing. */
  static String hint(String wrong, Collection<String> known) {
    return closest(wrong, known).map(k -> "; did you mean \"" + k + "\"?").orElse("");
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
