package dev.amble.amblefile;

import java.util.List;

/**
 * The workspace's hosts walked tier by tier, by the value of the inventory var {@code var}, in
 * {@code order}: no host of a tier starts before every host of the tiers before it is done. Hosts
 * whose value is none of {@code order} (or who lack the var) make a last tier, {@link #REST}.
 */
public record Tiers(String var, List<String> order) {
  /** The last tier's name: the hosts whose value the order does not name. */
  public static final String REST = "(rest)";

  /** The longest value an order may name (the plan and the rollout's state keep them). */
  public static final int VALUE_MAX = 64;

  /** The most tiers an order may name. */
  public static final int MOST = 100;

  public Tiers {
    order = List.copyOf(order);
  }

  /**
   * The index of the tier a host with {@code value} belongs to: {@code order.size()} for the rest.
   */
  public int indexOf(String value) {
    int i = order.indexOf(value);
    return i < 0 ? order.size() : i;
  }

  /** The tier's name at {@code index}. */
  public String name(int index) {
    return index < order.size() ? order.get(index) : REST;
  }
}
