package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.facts.FactStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts in Redis through Ansible's community.general.redis cache plugin: a real redis-server, real
 * ansible-playbook runs gathering facts of hosts on this machine, read back through {@link
 * FactReader}.
 */
class RedisFactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path dir;

  static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start(shared);
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  ProcessRunner runner() {
    return new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
  }

  /** A playbook that gathers facts as amble's init.yml does, then runs {@code more} tasks. */
  Path gatherPlaybook(String more) throws IOException {
    Path playbook = Files.createTempFile(dir, "gather-", ".yml");
    Files.writeString(
        playbook,
        "- hosts: fleet\n"
            + "  gather_facts: false\n"
            + "  tasks:\n"
            + "    - ansible.builtin.setup:\n"
            + "        fact_path: \"{{ amble_state_dir }}\"\n"
            + more,
        StandardCharsets.UTF_8);
    return playbook;
  }

  AnsibleCommand gatherCommand(LocalFleet fleet, Map<String, String> settings, Path playbook) {
    return new AnsibleCommand(
        "ansible-playbook",
        List.of("-i", fleet.inventory().toString(), "-f", "5", playbook.toString()),
        dir,
        settings,
        dir.resolve(playbook.getFileName() + ".log"),
        Optional.empty(),
        Duration.ofMinutes(5),
        AnsibleCommand.ExecutorUse.WHEN_READY);
  }

  ProcessOutcome gather(
      LocalFleet fleet, Map<String, String> settings, Path playbook, ProcessRunner.Progress p) {
    Path log = dir.resolve(playbook.getFileName() + ".log");
    ProcessOutcome outcome = runner().run(gatherCommand(fleet, settings, playbook), p);
    assertEquals(0, outcome.exitCode(), () -> "ansible-playbook failed: " + read(log));
    return outcome;
  }

  void gather(LocalFleet fleet, Map<String, String> settings) throws IOException {
    gather(fleet, settings, gatherPlaybook(""), ProcessRunner.Progress.NONE);
  }

  /** Hosts each with a local fact {@code amble_test: {mark: MARK, host: NAME}}. */
  LocalFleet fleet(String prefix, int n) {
    return LocalFleet.create(dir.resolve(prefix), prefix, n, (h, v) -> {});
  }

  void mark(LocalFleet fleet, String mark) {
    for (String host : fleet.hosts()) {
      fleet.localFact(host, "amble_test", Map.of("mark", mark, "host", host));
    }
  }

  static String markOf(JsonNode facts) {
    return facts.path("ansible_local").path("amble_test").path("mark").asText("(none)");
  }

  static Map<String, String> marks(Map<String, JsonNode> facts) {
    Map<String, String> marks = new LinkedHashMap<>();
    facts.forEach((host, f) -> marks.put(host, markOf(f)));
    return marks;
  }

  Map<String, String> settings(FactStore store) {
    return FactStoreSettings.of(store, dir.resolve("facts"), Map.of());
  }

  FactStore.Redis db(int db) {
    return new FactStore.Redis(redis.host(), redis.port(), db);
  }

  @Test
  void factsGatheredByAnsiblePlaybookIntoRedisAreReadBackThroughAnsiblesCache() throws IOException {
    LocalFleet fleet = fleet("web", 3);
    mark(fleet, "gathered");
    Map<String, String> settings = settings(db(1));
    gather(fleet, settings);

    // What Ansible wrote: one entry per host under its prefix and schema, and its key set.
    List<String> hosts = new ArrayList<>(fleet.hosts());
    for (String host : hosts) {
      assertEquals(1L, redis.command(1, "EXISTS", "ansible_factss1_" + host), host);
    }
    assertEquals(3L, redis.command(1, "ZCARD", "ansible_cache_keys"));

    hosts.add(1, "never-gathered");
    List<String> seen = new ArrayList<>();
    Map<String, JsonNode> found = new LinkedHashMap<>();
    new FactReader(runner(), settings, dir)
        .read(
            hosts,
            (host, facts) -> {
              seen.add(host);
              facts.ifPresent(f -> found.put(host, f));
            });
    assertEquals(hosts, seen, "one answer per host, in the order asked");
    assertEquals(fleet.hosts(), List.copyOf(found.keySet()));
    for (String host : fleet.hosts()) {
      JsonNode facts = found.get(host);
      assertEquals("gathered", markOf(facts));
      assertEquals(host, facts.path("ansible_local").path("amble_test").path("host").asText());
      assertTrue(facts.path("ansible_distribution").isTextual(), "setup's facts: " + host);
      assertFalse(facts.toString().contains("__ansible_type"), "plain values");
      assertFalse(facts.toString().contains("__payload__"), "unwrapped");
    }
  }

  /**
   * The attack: a task on the worker itself ({@code connection: local}) reads Ansible's environment
   * ({@code env} in a shell task, {@code lookup('env', ...)}). The Redis password is not there, on
   * the warm path (the executor's child) and on the cold one (the launcher starts the program);
   * Ansible's cache still writes to the locked store with it. Before the password went on a pipe,
   * it sat in {@code ANSIBLE_CACHE_PLUGIN_CONNECTION}, and both dumps held it.
   */
  @Test
  void theRedisPasswordReachesAnsiblesCacheButNoTaskOnTheWorkerWarm() throws Exception {
    theRedisPasswordReachesAnsiblesCacheButNoTaskOnTheWorker(true);
  }

  @Test
  void theRedisPasswordReachesAnsiblesCacheButNoTaskOnTheWorkerCold() throws Exception {
    theRedisPasswordReachesAnsiblesCacheButNoTaskOnTheWorker(false);
  }

  void theRedisPasswordReachesAnsiblesCacheButNoTaskOnTheWorker(boolean warm) throws Exception {
    String password = "pw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    try (RedisServer locked = RedisServer.start(dir, Optional.of(password))) {
      LocalFleet fleet = fleet("db", 2);
      mark(fleet, "with-password");
      FactStore store = new FactStore.Redis(locked.host(), locked.port(), 0);
      Map<String, String> worker = new HashMap<>(System.getenv());
      worker.put("AMBLE_REDIS_PASSWORD", password);
      if (!warm) {
        worker.put(AnsibleExecutors.SWITCH, "off");
      }
      Map<String, String> settings = FactStoreSettings.of(store, dir.resolve("facts"), worker);
      String connection = locked.host() + ":" + locked.port() + ":0";
      assertEquals(connection, settings.get("ANSIBLE_CACHE_PLUGIN_CONNECTION"));
      ProcessRunner runner = new ProcessRunner(LocalFleet.ansible(), Optional.empty(), worker);

      Path envDump = dir.resolve("env.txt");
      Path lookupDump = dir.resolve("lookup.txt");
      Path controller = dir.resolve("controller.txt");
      Path playbook =
          gatherPlaybook(
              "- hosts: localhost\n"
                  + "  gather_facts: false\n"
                  + "  connection: local\n"
                  + "  tasks:\n"
                  + "    - ansible.builtin.shell: env > "
                  + envDump
                  + "\n"
                  + "    - ansible.builtin.copy:\n"
                  + "        dest: "
                  + lookupDump
                  + "\n"
                  + "        content: \"{{ lookup('env', 'ANSIBLE_CACHE_PLUGIN_CONNECTION') }}"
                  + " {{ lookup('env', 'AMBLE_REDIS_PASSWORD') }}\"\n"
                  + "    - ansible.builtin.copy:\n"
                  + "        dest: "
                  + controller
                  + "\n"
                  + "        content: \"{{ lookup('pipe', 'xargs -0 echo < /proc/$PPID/cmdline') }}\"\n");
      AnsibleCommand command = gatherCommand(fleet, settings, playbook);
      Path log = command.log();
      if (warm) {
        assertTrue(
            AnsibleExecutors.shared()
                .socketFor(
                    LocalFleet.ansible(),
                    "ansible-playbook",
                    dir,
                    runner.environment(command, false),
                    worker,
                    AnsibleCommand.ExecutorUse.AWAIT)
                .isPresent(),
            "an executor is ready");
      }
      List<String> withPassword = new ArrayList<>();
      ProcessOutcome outcome =
          runner.run(
              command,
              detail -> {
                for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
                  if (commandLine(p.pid()).contains(password)) {
                    withPassword.add(commandLine(p.pid()));
                  }
                }
              });
      assertEquals(0, outcome.exitCode(), () -> "ansible-playbook failed: " + read(log));

      String env = read(envDump);
      assertTrue(env.contains("ANSIBLE_CACHE_PLUGIN_CONNECTION=" + connection), env);
      assertFalse(env.contains(password), "a task's environment holds the Redis password");
      String lookedUp = read(lookupDump);
      assertTrue(lookedUp.startsWith(connection), lookedUp);
      assertFalse(lookedUp.contains(password), "lookup('env') finds the Redis password");
      assertEquals(List.of(), withPassword, "command lines holding the password");
      assertTrue(
          read(controller).contains(warm ? "amble_executor.py" : "amble_cache_password.py"),
          read(controller));
      assertFalse(read(log).contains(password));

      // Ansible did write with it: the facts are there, and read back with the worker's password.
      assertEquals(2L, locked.command("ZCARD", "ansible_cache_keys"));
      Map<String, JsonNode> facts = new FactReader(runner, settings, dir).read(fleet.hosts());
      assertEquals(
          Map.of("db01", "with-password", "db02", "with-password"), marks(facts), "read back");

      // Without the password the store refuses, and the reader says so (without a password).
      AnsibleException refused =
          assertThrows(
              AnsibleException.class,
              () -> new FactReader(runner(), settings(store), dir).read(fleet.hosts()));
      assertTrue(refused.getMessage().contains("AuthenticationError"), refused.getMessage());
      assertFalse(refused.getMessage().contains(password), refused.getMessage());
    }
  }

  @Test
  void twoStoresDoNotSeeEachOthersFacts() throws IOException {
    LocalFleet fleet = fleet("app", 2);
    FactStore jsonfile = new FactStore.Jsonfile();
    mark(fleet, "db2");
    gather(fleet, settings(db(2)));
    mark(fleet, "db3");
    gather(fleet, settings(db(3)));
    mark(fleet, "jsonfile");
    gather(fleet, settings(jsonfile));

    Map<String, String> expected = new LinkedHashMap<>();
    for (String mark : List.of("db2", "db3", "jsonfile")) {
      expected.clear();
      fleet.hosts().forEach(h -> expected.put(h, mark));
      FactStore store =
          mark.equals("jsonfile") ? jsonfile : db(Integer.parseInt(mark.substring(2)));
      assertEquals(
          expected,
          marks(new FactReader(runner(), settings(store), dir).read(fleet.hosts())),
          mark);
    }
    assertEquals(
        Map.of(),
        new FactReader(runner(), settings(db(4)), dir).read(fleet.hosts()),
        "a database nobody gathered into");

    // The jsonfile store is what amble's Java reader of Ansible's files reads, value for value.
    FactCache cache = new FactCache(dir.resolve("facts"));
    Map<String, JsonNode> read =
        new FactReader(runner(), settings(jsonfile), dir).read(fleet.hosts());
    for (String host : fleet.hosts()) {
      assertEquals(cache.read(host).orElseThrow(), read.get(host), host);
    }
  }

  @Test
  void anyHostNameGoesInAndTaggedValuesComeOutPlain() throws IOException {
    // Written as ansible-core 2.19's jsonfile plugin writes (s1_ and a payload), with a tagged
    // value, and under names no command line would take whole.
    Path folder = dir.resolve("facts");
    Files.createDirectories(folder);
    List<String> hosts = List.of("plain", "with space", "quote\"d", "ünï", "-starts-with-dash");
    for (String host : hosts) {
      String payload =
          JSON.writeValueAsString(
              Map.of(
                  "ansible_hostname",
                  host,
                  "ansible_date_time",
                  Map.of("__ansible_type", "datetime", "value", "2026-01-02T03:04:05"),
                  "ansible_list",
                  List.of(Map.of("__ansible_type", "str", "value", "tagged"), 1)));
      Files.writeString(
          folder.resolve("s1_" + host), JSON.writeValueAsString(Map.of("__payload__", payload)));
    }
    List<String> asked = new ArrayList<>(hosts);
    asked.add("missing");
    Map<String, JsonNode> facts = new LinkedHashMap<>();
    AtomicInteger answers = new AtomicInteger();
    new FactReader(runner(), settings(new FactStore.Jsonfile()), dir)
        .read(
            asked,
            (host, f) -> {
              answers.incrementAndGet();
              f.ifPresent(x -> facts.put(host, x));
            });
    assertEquals(asked.size(), answers.get());
    assertEquals(hosts, List.copyOf(facts.keySet()));
    for (String host : hosts) {
      JsonNode f = facts.get(host);
      assertEquals(host, f.path("ansible_hostname").asText());
      assertEquals("2026-01-02T03:04:05", f.path("ansible_date_time").asText());
      assertEquals("tagged", f.path("ansible_list").path(0).asText());
      assertEquals(f, new FactCache(folder).read(host).orElseThrow(), "as FactCache reads it");
    }
  }

  @Test
  void aRedisThatDoesNotAnswerIsOneClearError() throws IOException {
    RedisServer gone = RedisServer.start(dir);
    FactStore store = new FactStore.Redis(gone.host(), gone.port(), 0);
    String sentinel = gone.sentinel();
    gone.close();
    assertTrue(
        Processes.commandLines().stream().noneMatch(l -> l.contains(sentinel)),
        "the server is gone when closed");
    AnsibleException e =
        assertThrows(
            AnsibleException.class,
            () -> new FactReader(runner(), settings(store), dir).read(List.of("web01")));
    assertTrue(e.getMessage().contains("cannot read the cached facts of web01"), e.getMessage());
    assertTrue(e.getMessage().contains(String.valueOf(gone.port())), e.getMessage());
  }

  @Test
  void theTestServerKeepsItsSentinelInItsCommandLine() {
    assertTrue(
        Processes.commandLines().stream().anyMatch(l -> l.contains(redis.sentinel())),
        "redis-server's command line names its sentinel");
  }

  static String commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException gone) {
      return "";
    }
  }

  static Map<String, String> environment(long pid) {
    Map<String, String> env = new HashMap<>();
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
    } catch (IOException gone) {
      // ended while we looked
    }
    return env;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
