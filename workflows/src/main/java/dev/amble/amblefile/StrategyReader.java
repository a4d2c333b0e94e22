package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads how a rollout goes through a workspace's hosts: sort order, concurrency, waves, failure
 * budget, unreachable hosts, health checks. Each getter reads the keys present and keeps the given
 * value for the absent ones, so that the same rules read an Amblefile's workspace and the run
 * options that override it ({@link RolloutOverrides}).
 */
final class StrategyReader {
  /** The keys of a strategy that a run may override too: all but its health checks. */
  static final List<String> STRATEGY_KEYS =
      List.of(
          "waves",
          "pause_between_waves",
          "bake_time",
          "max_failures",
          "max_failures_per_wave",
          "unreachable",
          "unreachable_attempts",
          "unreachable_backoff");

  static final List<String> CHECKS_KEYS = List.of("host", "wave");
  static final List<String> FAILURE_DOMAIN_KEYS = List.of("var", "max_in_flight");
  static final List<String> TIERS_KEYS = List.of("var", "order");
  static final List<String> CONTINUOUS_KEYS = List.of("interval", "checks");
  static final List<String> HEALTH_CHECK_KEYS =
      List.of("name", "http", "expect_status", "hosts", "tasks", "become", "on_failure", "timeout");

  private final Fields f;

  StrategyReader(Fields workspace) {
    this.f = workspace;
  }

  SortOrder sortOrder(SortOrder given) {
    return f.oneOf("sort_order", List.of(SortOrder.values()), SortOrder::word).orElse(given);
  }

  int concurrency(int given) {
    Optional<Long> c = f.integer("concurrency");
    if (c.isEmpty()) {
      return given;
    }
    if (c.get() < 1) {
      f.problem("concurrency", "must be at least 1, got " + c.get());
    } else if (c.get() > 1000) {
      f.problem("concurrency", "must be at most 1000, got " + c.get());
    } else {
      return c.get().intValue();
    }
    return given;
  }

  Strategy read(Strategy given) {
    List<Amount> waves = f.has("waves") ? waves() : given.waves();
    Optional<Duration> pause = given.pauseBetweenWaves();
    boolean manual = given.manualPause();
    if (f.node("pause_between_waves")
        .filter(n -> n instanceof YamlScalar s && s.text().equals("manual"))
        .isPresent()) {
      manual = true;
      pause = Optional.empty();
    } else if (f.has("pause_between_waves")) {
      manual = false;
      pause = f.duration("pause_between_waves", true);
    }
    if ((manual || pause.isPresent()) && waves.isEmpty() && f.has("pause_between_waves")) {
      f.problem("pause_between_waves", "needs waves: without them the rollout is one wave");
    }
    Duration bake = f.duration("bake_time", true).orElse(given.bakeTime());
    Amount maxFailures = f.amount("max_failures", 0).orElse(given.maxFailures());
    Optional<Amount> perWave = f.amount("max_failures_per_wave", 0).or(given::maxFailuresPerWave);
    return new Strategy(
        waves,
        pause,
        manual,
        bake,
        maxFailures,
        perWave,
        unreachable(given.unreachable()),
        f.has("pre_checks") ? healthChecksAround("pre_checks") : given.preChecks(),
        f.has("post_checks") ? healthChecksAround("post_checks") : given.postChecks(),
        f.has("continuous_checks") ? continuous() : given.continuousChecks(),
        f.has("failure_domain") ? failureDomain() : given.failureDomain(),
        f.has("tiers") ? tiers() : given.tiers());
  }

  /** {@code failure_domain: {var, max_in_flight}}. */
  private Optional<FailureDomain> failureDomain() {
    Optional<YamlMap> map = f.submap("failure_domain");
    if (map.isEmpty()) {
      return Optional.empty();
    }
    Fields d = new Fields(map.get(), f.path("failure_domain"), f.problems(), FAILURE_DOMAIN_KEYS);
    Optional<String> var = varName(d);
    Optional<Long> most = d.integer("max_in_flight");
    if (!d.has("max_in_flight")) {
      d.missing("max_in_flight");
    } else if (most.isPresent() && (most.get() < 1 || most.get() > FailureDomain.MOST)) {
      d.problem("max_in_flight", "must be from 1 to " + FailureDomain.MOST + ", got " + most.get());
      return Optional.empty();
    }
    if (var.isEmpty() || most.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new FailureDomain(var.get(), most.get().intValue()));
  }

  /** {@code tiers: {var, order}}: the order's values are scalars, each once. */
  private Optional<Tiers> tiers() {
    Optional<YamlMap> map = f.submap("tiers");
    if (map.isEmpty()) {
      return Optional.empty();
    }
    Fields t = new Fields(map.get(), f.path("tiers"), f.problems(), TIERS_KEYS);
    Optional<String> var = varName(t);
    if (!t.has("order")) {
      t.missing("order");
      return Optional.empty();
    }
    Optional<YamlList> list = t.items("order", "must name at least one tier: a value of the var");
    if (list.isEmpty()) {
      return Optional.empty();
    }
    List<String> order = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      String path = KeyPath.item(t.path("order"), i);
      if (!(item instanceof YamlScalar s) || s.text().isBlank()) {
        f.problems().add(item.position(), path, "must be a value, got " + item.describe());
        ok = false;
      } else if (s.text().length() > Tiers.VALUE_MAX) {
        f.problems()
            .add(
                item.position(),
                path,
                "must be at most " + Tiers.VALUE_MAX + " characters, got " + s.text().length());
        ok = false;
      } else if (order.contains(s.text())) {
        f.problems().add(item.position(), path, "names " + s.text() + " a second time");
        ok = false;
      } else {
        order.add(s.text());
      }
    }
    if (order.size() > Tiers.MOST) {
      t.problem("order", "may name at most " + Tiers.MOST + " tiers, got " + order.size());
      ok = false;
    }
    if (!ok || var.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Tiers(var.get(), order));
  }

  /** The inventory var a map names ({@code var:}), required. */
  private static Optional<String> varName(Fields m) {
    Optional<String> var = m.string("var", true);
    if (var.isPresent() && !VAR_NAME.matcher(var.get()).matches()) {
      m.problem("var", "must be an inventory var's name (letters, digits, '_'), got " + var.get());
      return Optional.empty();
    }
    return var;
  }

  private static final java.util.regex.Pattern VAR_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private List<Amount> waves() {
    Optional<YamlList> list =
        f.items(
            "waves",
            "must list at least one wave size; leave the key out for one wave of every host");
    if (list.isEmpty()) {
      return List.of();
    }
    List<Amount> sizes = new ArrayList<>();
    for (int i = 0; i < list.get().items().size(); i++) {
      f.amount(list.get().items().get(i), KeyPath.item(f.path("waves"), i), 1)
          .ifPresent(sizes::add);
    }
    return List.copyOf(sizes);
  }

  private Strategy.Unreachable unreachable(Strategy.Unreachable given) {
    Strategy.Unreachable.Policy policy =
        f.oneOf(
                "unreachable",
                List.of(Strategy.Unreachable.Policy.values()),
                Strategy.Unreachable.Policy::word)
            .orElse(given.policy());
    for (String key : List.of("unreachable_attempts", "unreachable_backoff")) {
      if (f.has(key) && policy != Strategy.Unreachable.Policy.RETRY) {
        f.problem(key, "only goes with unreachable retry, and this rollout's is " + policy.word());
      }
    }
    int attempts = given.attempts() > 0 ? given.attempts() : 3;
    Optional<Long> a = f.integer("unreachable_attempts");
    if (a.isPresent()) {
      if (a.get() < 1 || a.get() > 100) {
        f.problem("unreachable_attempts", "must be from 1 to 100, got " + a.get());
      } else {
        attempts = a.get().intValue();
      }
    }
    Duration backoff =
        f.duration("unreachable_backoff", false)
            .orElse(given.backoff().isZero() ? Duration.ofSeconds(30) : given.backoff());
    return policy == Strategy.Unreachable.Policy.FAIL
        ? Strategy.Unreachable.FAIL
        : new Strategy.Unreachable(
            policy, policy == Strategy.Unreachable.Policy.RETRY ? attempts : 0, backoff);
  }

  /** The health checks around each host's walk ({@code host:}) and each wave ({@code wave:}). */
  private Strategy.Checks healthChecksAround(String key) {
    Optional<YamlMap> map = f.submap(key);
    if (map.isEmpty()) {
      return Strategy.Checks.NONE;
    }
    Fields around = new Fields(map.get(), f.path(key), f.problems(), CHECKS_KEYS);
    if (!around.has("host") && !around.has("wave")) {
      f.problem(key, "give host: or wave: checks (or leave the key out)");
    }
    return new Strategy.Checks(healthChecks(around, "host"), healthChecks(around, "wave"));
  }

  private Optional<Strategy.ContinuousChecks> continuous() {
    Optional<YamlMap> map = f.submap("continuous_checks");
    if (map.isEmpty()) {
      return Optional.empty();
    }
    Fields c = new Fields(map.get(), f.path("continuous_checks"), f.problems(), CONTINUOUS_KEYS);
    Optional<Duration> interval = c.duration("interval", false);
    if (!c.has("interval")) {
      c.missing("interval");
    } else if (interval.isPresent() && interval.get().compareTo(Duration.ofSeconds(1)) < 0) {
      c.problem("interval", "must be at least 1s");
    }
    List<HealthCheck> healthChecks = healthChecks(c, "checks");
    if (!c.has("checks")) {
      c.missing("checks");
    } else if (healthChecks.isEmpty()
        && c.node("checks").get() instanceof YamlList l
        && l.items().isEmpty()) {
      c.problem("checks", "must list at least one check");
    }
    return interval.map(i -> new Strategy.ContinuousChecks(i, healthChecks));
  }

  private List<HealthCheck> healthChecks(Fields parent, String key) {
    Optional<YamlList> list = parent.list(key);
    if (list.isEmpty()) {
      return List.of();
    }
    List<HealthCheck> healthChecks = new ArrayList<>();
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      Fields.open(item, KeyPath.item(parent.path(key), i), f.problems(), HEALTH_CHECK_KEYS)
          .flatMap(this::healthCheck)
          .ifPresent(healthChecks::add);
    }
    return List.copyOf(healthChecks);
  }

  private Optional<HealthCheck> healthCheck(Fields g) {
    Optional<String> name = g.string("name", true);
    boolean http = g.has("http");
    boolean tasks = g.has("tasks");
    if (http == tasks) {
      g.problem(
          http ? "tasks" : "name",
          http
              ? "a check is an http probe or tasks, not both"
              : "a check needs http: URL or hosts: and tasks:");
      return Optional.empty();
    }
    HealthCheck.OnFailure onFailure =
        g.oneOf("on_failure", List.of(HealthCheck.OnFailure.values()), HealthCheck.OnFailure::word)
            .orElse(HealthCheck.OnFailure.CATCH);
    Duration timeout = g.duration("timeout", false).orElse(HealthCheck.DEFAULT_TIMEOUT);
    Optional<HealthCheck.Probe> probe;
    if (http) {
      for (String other : List.of("hosts", "become")) {
        if (g.has(other)) {
          g.problem(other, "goes with tasks:, not with http:");
        }
      }
      Optional<String> url =
          g.string("http", true)
              .filter(
                  u -> {
                    if (!u.startsWith("http://") && !u.startsWith("https://")) {
                      g.problem("http", "must be an http:// or https:// URL, got \"" + u + "\"");
                      return false;
                    }
                    return true;
                  });
      int status = 200;
      Optional<Long> s = g.integer("expect_status");
      if (s.isPresent()) {
        if (s.get() < 100 || s.get() > 599) {
          g.problem("expect_status", "must be an HTTP status from 100 to 599, got " + s.get());
        } else {
          status = s.get().intValue();
        }
      }
      int expected = status;
      probe = url.map(u -> new HealthCheck.Probe.Http(u, expected));
    } else {
      if (g.has("expect_status")) {
        g.problem("expect_status", "goes with http:, not with tasks:");
      }
      Optional<String> hosts = g.string("hosts", true);
      Optional<ArrayNode> taskList = AnsibleTasks.read(g, "tasks", "must list at least one task");
      boolean become = g.bool("become", false);
      probe =
          hosts.isPresent() && taskList.isPresent()
              ? Optional.of(new HealthCheck.Probe.Tasks(hosts.get(), taskList.get(), become))
              : Optional.empty();
    }
    if (name.isEmpty() || probe.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new HealthCheck(name.get(), probe.get(), onFailure, timeout));
  }
}
