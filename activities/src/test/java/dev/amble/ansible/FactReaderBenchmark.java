package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.facts.FactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (it runs only when asked): how long {@link FactReader} takes to read the
 * facts of many hosts from Redis, each host's entry a copy of what Ansible cached for a real host
 * of this machine, and again with that entry grown to about 50 KB (a server with more interfaces
 * and mounts than a container). Prints its figures.
 *
 * <pre>
 * ./mvnw -o -q -pl activities -am test -Dtest=FactReaderBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Damble.bench.facts=10000
 * </pre>
 *
 * The figures are in
 * activities/target/surefire-reports/dev.amble.ansible.FactReaderBenchmark-output.txt.
 */
@EnabledIfSystemProperty(named = "amble.bench.facts", matches = "\\d+")
class FactReaderBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void readManyHostsFromRedis() throws Exception {
    int hosts = Integer.parseInt(System.getProperty("amble.bench.facts"));
    LocalFleet fleet = LocalFleet.create(dir.resolve("fleet"), "bench", 1, (h, v) -> {});
    Path cache = dir.resolve("facts");
    fleet.gatherFacts(cache, "all");
    String real = Files.readString(cache.resolve("s1_bench01"), StandardCharsets.UTF_8);
    try (RedisServer redis = RedisServer.start(dir)) {
      run(redis, 1, hosts, real, "real setup result of this machine");
      run(redis, 2, hosts, grown(real, 50_000), "grown to about 50 KB");
    }
  }

  private void run(RedisServer redis, int db, int hosts, String entry, String what)
      throws Exception {
    List<String> names = new ArrayList<>();
    List<String[]> commands = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      String name = String.format("host%06d.example.net", i);
      names.add(name);
      commands.add(new String[] {"SET", "ansible_factss1_" + name, entry});
      commands.add(new String[] {"ZADD", "ansible_cache_keys", Integer.toString(i), "s1_" + name});
    }
    redis.pipeline(db, commands);
    commands.clear();
    Map<String, String> settings =
        FactStoreSettings.of(
            new FactStore.Redis(redis.host(), redis.port(), db), dir.resolve("unused"), Map.of());
    FactReader reader =
        new FactReader(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
            settings,
            dir);
    long oneStart = System.nanoTime();
    reader.read(names.subList(0, 1), (h, f) -> {});
    long one = System.nanoTime() - oneStart;
    AtomicLong found = new AtomicLong();
    AtomicLong keys = new AtomicLong();
    long start = System.nanoTime();
    reader.read(
        names,
        (host, facts) -> {
          if (facts.isPresent()) {
            found.incrementAndGet();
            keys.addAndGet(facts.get().size());
          }
        });
    long all = System.nanoTime() - start;
    if (found.get() != hosts) {
      throw new AssertionError("found " + found + " of " + hosts);
    }
    System.out.printf(
        "FactReader, Redis: %d hosts, %.1f KB a host as stored (%s), %d facts a host:"
            + " %.2f s (%.0f hosts/s, %.0f MB/s); one host alone %.2f s%n",
        hosts,
        entry.getBytes(StandardCharsets.UTF_8).length / 1024.0,
        what,
        keys.get() / hosts,
        all / 1e9,
        hosts / (all / 1e9),
        (double) hosts * entry.length() / (1 << 20) / (all / 1e9),
        one / 1e9);
    redis.command(db, "FLUSHDB");
  }

  /** The cached entry with copies of its larger facts added until it is {@code size} bytes. */
  private static String grown(String entry, int size) throws Exception {
    ObjectNode outer = (ObjectNode) JSON.readTree(entry);
    ObjectNode facts = (ObjectNode) JSON.readTree(outer.get("__payload__").asText());
    List<Map.Entry<String, JsonNode>> large = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = facts.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isContainerNode() && field.getValue().toString().length() > 500) {
        large.add(field);
      }
    }
    for (int copy = 1; ; copy++) {
      for (Map.Entry<String, JsonNode> field : large) {
        facts.set(field.getKey() + "_copy" + copy, field.getValue().deepCopy());
      }
      outer.put("__payload__", JSON.writeValueAsString(facts));
      String grown = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(outer);
      if (grown.length() >= size) {
        return grown;
      }
    }
  }
}
