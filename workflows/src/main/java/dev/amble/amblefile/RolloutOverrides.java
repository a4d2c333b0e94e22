package dev.amble.amblefile;

import com.google.common.collect.ImmutableList;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator overrides of a workspace's Amblefile keys for one rollout, as written on the
 * command line ({@code --max-failures 10%} overrides {@code max_failures}). The values are read by
 * the same rules as the Amblefile's, so a bad one gets the same message; a problem names the
 * option: {@code --max-failures: must be ...}.
 */
public record RolloutOverrides(
    Optional<String> sortOrder,
    Optional<String> concurrency,
    Optional<List<String>> waves,
    Optional<String> pauseBetweenWaves,
    Optional<String> bakeTime,
    Optional<String> maxFailures,
    Optional<String> maxFailuresPerWave,
    Optional<String> unreachable,
    Optional<String> unreachableAttempts,
    Optional<String> unreachableBackoff) {

  public static final RolloutOverrides NONE =
      new RolloutOverrides(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /**
   * The Amblefile keys a rollout's start may override ({@code amble run}'s and {@code amble
   * check}'s options, a schedule's, a listen message's), in the order of the fields.
   */
  public static final List<String> KEYS =
      ImmutableList.<String>builder()
          .add("sort_order", "concurrency")
          .addAll(StrategyReader.STRATEGY_KEYS)
          .build();

  /**
   * The overrides named by their Amblefile keys ({@link #KEYS}, others ignored), as {@code amble
   * listen}'s messages give them; {@code waves} comma-separated.
   */
  public static RolloutOverrides ofKeys(Map<String, String> keys) {
    return new RolloutOverrides(
        Optional.ofNullable(keys.get("sort_order")),
        Optional.ofNullable(keys.get("concurrency")),
        Optional.ofNullable(keys.get("waves")).map(w -> List.of(w.split(","))),
        Optional.ofNullable(keys.get("pause_between_waves")),
        Optional.ofNullable(keys.get("bake_time")),
        Optional.ofNullable(keys.get("max_failures")),
        Optional.ofNullable(keys.get("max_failures_per_wave")),
        Optional.ofNullable(keys.get("unreachable")),
        Optional.ofNullable(keys.get("unreachable_attempts")),
        Optional.ofNullable(keys.get("unreachable_backoff")));
  }

  /** The definition with its workspace's keys overridden; every bad value is a problem. */
  public Definition applyTo(Definition d) throws OverrideException {
    Problems problems = new Problems("");
    Fields f = new Fields(yaml(), "", problems, AmblefileReader.WORKSPACE_KEYS);
    StrategyReader how = new StrategyReader(f);
    WorkspaceSpec w = d.workspace();
    WorkspaceSpec changed =
        w.withSortOrder(how.sortOrder(w.sortOrder()))
            .withConcurrency(how.concurrency(w.concurrency()))
            .withStrategy(how.read(w.strategy()));
    if (problems.any()) {
      throw new OverrideException(
          problems.inFileOrder().stream().map(p -> option(p.path()) + ": " + p.message()).toList());
    }
    return new Definition(
        d.amblefile(), d.folder(), d.project(), changed, d.workflow(), d.jobs(), d.content());
  }

  /** The option of an Amblefile key: {@code waves[2]} is {@code --waves}. */
  static String option(String path) {
    return "--" + path.replaceAll("\\[\\d+\\]$", "").replace('_', '-');
  }

  /** The overrides as the YAML map of a workspace that has just these keys. */
  private YamlMap yaml() {
    Map<String, YamlMap.Entry> entries = new LinkedHashMap<>();
    put(entries, "sort_order", sortOrder.map(RolloutOverrides::scalar));
    put(entries, "concurrency", concurrency.map(RolloutOverrides::scalar));
    put(
        entries,
        "waves",
        waves.map(
            sizes ->
                new YamlList(
                    Position.START,
                    sizes.stream().<YamlNode>map(RolloutOverrides::scalar).toList())));
    put(entries, "pause_between_waves", pauseBetweenWaves.map(RolloutOverrides::scalar));
    put(entries, "bake_time", bakeTime.map(RolloutOverrides::scalar));
    put(entries, "max_failures", maxFailures.map(RolloutOverrides::scalar));
    put(entries, "max_failures_per_wave", maxFailuresPerWave.map(RolloutOverrides::scalar));
    put(entries, "unreachable", unreachable.map(RolloutOverrides::scalar));
    put(entries, "unreachable_attempts", unreachableAttempts.map(RolloutOverrides::scalar));
    put(entries, "unreachable_backoff", unreachableBackoff.map(RolloutOverrides::scalar));
    return new YamlMap(Position.START, entries);
  }

  private static void put(
      Map<String, YamlMap.Entry> entries, String key, Optional<YamlNode> value) {
    value.ifPresent(v -> entries.put(key, new YamlMap.Entry(key, Position.START, v)));
  }

  /** A command-line value as YAML would read it unquoted: a whole number, else a string. */
  private static YamlScalar scalar(String text) {
    YamlScalar.Kind kind =
        text.matches("-?\\d{1,18}") ? YamlScalar.Kind.INTEGER : YamlScalar.Kind.STRING;
    return new YamlScalar(Position.START, kind, text);
  }
}
