package dev.amble.plan;

import dev.amble.amblefile.SortOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The order in which hosts are walked. Shuffle is seeded, so the same seed gives the same order.
 */
public final class HostOrder {
  private HostOrder() {}

  public static List<String> sort(List<String> hosts, SortOrder order, long seed) {
    List<String> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.naturalOrder());
    switch (order) {
      case ASCENDING -> {}
      case DESCENDING -> Collections.reverse(sorted);
      case SHUFFLE -> Collections.shuffle(sorted, new Random(seed));
    }
    return List.copyOf(sorted);
  }
}
