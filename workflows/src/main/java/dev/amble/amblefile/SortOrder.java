package dev.amble.amblefile;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The order in which a workspace's hosts are walked, by inventory host name. */
public enum SortOrder {
  SHUFFLE,
  ASCENDING,
  DESCENDING;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SortOrder> fromWord(String word) {
    return Arrays.stream(values()).filter(o -> o.word().equals(word)).findFirst();
  }

  public static List<String> words() {
    return Arrays.stream(values()).map(SortOrder::word).toList();
  }
}
