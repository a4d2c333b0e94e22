package dev.amble.plan;

import dev.amble.amblefile.Amount;
import java.util.ArrayList;
import java.util.List;

/**
 * Wave sizes for a number of hosts to walk: the configured sizes in order, the last one repeating,
 * the final wave taking what is left. No configured sizes: one wave of every host.
 */
public final class Waves {
  private Waves() {}

  public static List<Integer> sizes(List<Amount> configured, int walked) {
    List<Integer> sizes = new ArrayList<>();
    if (walked <= 0) {
      return sizes;
    }
    if (configured.isEmpty()) {
      sizes.add(walked);
      return sizes;
    }
    int left = walked;
    for (int i = 0; left > 0; i++) {
      int n = Math.min(left, configured.get(Math.min(i, configured.size() - 1)).waveSize(walked));
      sizes.add(n);
      left -= n;
    }
    return sizes;
  }

  /** How many waves {@link #sizes} makes, without making the list. */
  public static int count(List<Amount> configured, int walked) {
    if (walked <= 0) {
      return 0;
    }
    if (configured.isEmpty()) {
      return 1;
    }
    int left = walked;
    int waves = 0;
    for (int i = 0; i < configured.size() - 1 && left > 0; i++) {
      left -= Math.min(left, configured.get(i).waveSize(walked));
      waves++;
    }
    if (left > 0) {
      int last = Math.max(1, configured.get(configured.size() - 1).waveSize(walked));
      waves += (left + last - 1) / last;
    }
    return waves;
  }

  /** The first {@code most} of {@link #sizes}: what status shows of a plan with many waves. */
  public static List<Integer> firstSizes(List<Amount> configured, int walked, int most) {
    List<Integer> sizes = new ArrayList<>();
    int left = walked;
    for (int i = 0; left > 0 && sizes.size() < most; i++) {
      int n =
          configured.isEmpty()
              ? left
              : Math.min(left, configured.get(Math.min(i, configured.size() - 1)).waveSize(walked));
      sizes.add(n);
      left -= n;
    }
    return sizes;
  }

  /** The size of wave {@code number} (1-based); waves past the plan take the last size. */
  public static int size(List<Amount> configured, int walked, int number) {
    if (configured.isEmpty()) {
      return Math.max(1, walked);
    }
    return configured.get(Math.min(number - 1, configured.size() - 1)).waveSize(walked);
  }

  /**
   * How many waves a walk in tiers of {@code tiers} hosts each makes: the sizes start again in
   * each.
   */
  public static int count(List<Amount> configured, List<Integer> tiers) {
    return tiers.stream().mapToInt(n -> count(configured, n)).sum();
  }

  /** The first {@code most} wave sizes of a walk in tiers of {@code tiers} hosts each. */
  public static List<Integer> firstSizes(List<Amount> configured, List<Integer> tiers, int most) {
    List<Integer> sizes = new ArrayList<>();
    for (int n : tiers) {
      sizes.addAll(firstSizes(configured, n, most - sizes.size()));
      if (sizes.size() >= most) {
        break;
      }
    }
    return sizes;
  }
}
