package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.state.RemoteState;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's lock and records per project, through the real ansible-playbook against hosts on this
 * machine (local connection, each host with its own state folder): projects {@code shop} and {@code
 * web} and project default each have a workspace {@code prod}, on the same hosts.
 */
class ProjectLocksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static LocalFleet fleet;
  static HostActivitiesImpl host;
  static Definition shop;
  static Definition web;
  static Definition plain;

  @BeforeAll
  static void setUp() {
    fleet =
        LocalFleet.create(dir, "lock", 4, (name, vars) -> vars.put("amble_state_become", false));
    host =
        new HostActivitiesImpl(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
            "test@controller",
            Clock.systemUTC());
    shop = Definitions.write(dir.resolve("shop"), "prod", amblefile("project: shop\n"));
    web = Definitions.write(dir.resolve("web"), "prod", amblefile("project: web\n"));
    plain = Definitions.write(dir.resolve("plain"), "prod", amblefile(""));
  }

  static String amblefile(String project) {
    return project
        + """
        workspaces:
          prod:
            host_pattern: fleet
            workflow: claim
            inventory: %s
        workflows:
          claim:
            jobs:
              - job: nothing
        jobs:
          nothing:
            become: false
        """
            .formatted(fleet.inventory());
  }

  static HostTarget target(Definition d, String name) {
    return new HostTarget(
        d.workspace().name(),
        d.folder(),
        d.workspace().inventory(),
        name,
        Optional.empty(),
        d.workspace().factStore(),
        d.project());
  }

  static RunResult claim(Definition d, String name, String rollout) {
    return host.runJob(
        new JobRequest(
            target(d, name),
            d.steps().get(0),
            false,
            Optional.of(new Claim("claim", rollout, false))));
  }

  static RunResult finish(Definition d, String name, String rollout) {
    return host.finishHost(new FinishRequest(target(d, name), "claim", rollout, Optional.empty()));
  }

  static RemoteState prepare(Definition d, String name) {
    Preparation p =
        host.prepareHost(
            new PrepareRequest(
                target(d, name),
                "claim",
                d.steps().stream()
                    .map(
                        s ->
                            new JobPreconditions(
                                s.job().name(), s.job().preconditions(), s.options()))
                    .toList()));
    assertTrue(p.run().ok(), p.toString());
    return p.state();
  }

  static JsonNode lock(String name) throws Exception {
    Path file = fleet.stateDir(name).resolve("amble_lock.fact");
    return Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.missingNode();
  }

  /** The host's record of a workspace, by its key in amble_state.fact. */
  static JsonNode record(String name, String key) throws Exception {
    Path file = fleet.stateDir(name).resolve("amble_state.fact");
    return Files.exists(file)
        ? JSON.readTree(file.toFile()).path("workspaces").path(key)
        : JSON.missingNode();
  }

  @Test
  void twoProjectsSameNamedWorkspacesTakeTurnsOnOneHost() throws Exception {
    String h = "lock01";
    RunResult shopTook = claim(shop, h, "r-shop");
    assertTrue(shopTook.ok(), shopTook.toString());
    assertEquals("shop/prod", lock(h).path("workspace").asText());
    assertEquals("shop", lock(h).path("project").asText());

    RunResult webRefused = claim(web, h, "r-web");
    assertEquals(RunStatus.LOCKED, webRefused.status(), webRefused.toString());
    assertTrue(
        webRefused.message().startsWith("locked by workspace shop/prod since "),
        webRefused.message());
    RunResult plainRefused = claim(plain, h, "r-plain");
    assertEquals(RunStatus.LOCKED, plainRefused.status(), plainRefused.toString());
    assertEquals("r-shop", lock(h).path("rollout").asText(), "a refused claim changed the lock");
    assertEquals("r-shop", record(h, "shop/prod").path("rollout").asText());
    assertTrue(record(h, "web/prod").isMissingNode(), "the refused project wrote its record");
    assertTrue(record(h, "prod").isMissingNode(), "the refused default project wrote a record");

    RemoteState seenByWeb = prepare(web, h);
    RemoteState.Lock held = seenByWeb.lockedByOther("web", "prod").orElseThrow();
    assertEquals("shop", held.project());
    assertEquals("prod", held.workspace());
    assertTrue(prepare(shop, h).lockedByOther("shop", "prod").isEmpty());
    assertTrue(seenByWeb.workspace().isEmpty(), "web read shop's record as its own");

    // web's finish (a walk that never held the host) frees nothing of shop's.
    assertTrue(finish(web, h, "r-web").ok());
    assertEquals("shop/prod", lock(h).path("workspace").asText(), "web's finish freed shop's lock");

    RunResult shopDone = finish(shop, h, "r-shop");
    assertTrue(shopDone.ok(), shopDone.toString());
    assertTrue(lock(h).isMissingNode(), "shop's finish kept its lock");

    RunResult webTook = claim(web, h, "r-web-2");
    assertTrue(webTook.ok(), webTook.toString());
    assertEquals("web/prod", lock(h).path("workspace").asText());
    JsonNode shopRecord = record(h, "shop/prod");
    assertEquals("r-shop", shopRecord.path("rollout").asText(), shopRecord.toString());
    assertTrue(shopRecord.path("succeeded").isTextual(), shopRecord.toString());
    assertEquals("r-web-2", record(h, "web/prod").path("rollout").asText());
    assertFalse(record(h, "web/prod").has("succeeded"));
  }

  @Test
  void aLockAndARecordWithoutAProjectAreProjectDefaults() throws Exception {
    String h = "lock02";
    Files.writeString(
        fleet.stateDir(h).resolve("amble_lock.fact"),
        JSON.writeValueAsString(
            Map.of(
                "workspace", "prod",
                "rollout", "r-old",
                "controller", "old@machine",
                "since", "2026-01-01T00:00:00Z")),
        StandardCharsets.UTF_8);
    Files.writeString(
        fleet.stateDir(h).resolve("amble_state.fact"),
        JSON.writeValueAsString(
            Map.of(
                "workspaces",
                Map.of(
                    "prod",
                    Map.of(
                        "workflow", "claim",
                        "rollout", "r-old",
                        "started", "2026-01-01T00:00:00Z")))),
        StandardCharsets.UTF_8);

    RemoteState seenByShop = prepare(shop, h);
    RemoteState.Lock held = seenByShop.lockedByOther("shop", "prod").orElseThrow();
    assertEquals("default", held.project());
    assertEquals("prod", held.workspace());
    assertEquals("r-old", held.rollout());
    assertTrue(seenByShop.workspace().isEmpty(), "shop read project default's record as its own");

    RemoteState seenByDefault = prepare(plain, h);
    assertTrue(seenByDefault.lockedByOther("default", "prod").isEmpty());
    assertEquals("r-old", seenByDefault.workspace().orElseThrow().rollout());
    assertTrue(seenByDefault.unfinished("claim"));

    RunResult shopRefused = claim(shop, h, "r-shop");
    assertEquals(RunStatus.LOCKED, shopRefused.status(), shopRefused.toString());
    assertTrue(
        shopRefused.message().startsWith("locked by workspace prod since "), shopRefused.message());
    assertEquals("r-old", lock(h).path("rollout").asText());

    // The owner's next rollout takes its lock over, as a later rollout of a workspace does.
    RunResult taken = claim(plain, h, "r-new");
    assertTrue(taken.ok(), taken.toString());
    assertEquals("prod", lock(h).path("workspace").asText());
    assertEquals("r-new", lock(h).path("rollout").asText());
  }

  @Test
  void aStaleFinishLeavesTheCurrentRolloutsLockAndRecord() throws Exception {
    String h = "lock03";
    assertTrue(claim(shop, h, "r-1").ok());
    // A later rollout of the same workspace (the first left the host locked).
    assertTrue(claim(shop, h, "r-2").ok());
    assertEquals("r-2", lock(h).path("rollout").asText());

    RunResult stale = finish(shop, h, "r-1");
    assertTrue(stale.ok(), stale.toString());
    assertEquals("r-2", lock(h).path("rollout").asText(), "a stale finish removed the lock");
    JsonNode current = record(h, "shop/prod");
    assertEquals("r-2", current.path("rollout").asText(), current.toString());
    assertFalse(current.has("succeeded"), "a stale finish marked the current rollout succeeded");

    RunResult done = finish(shop, h, "r-2");
    assertTrue(done.ok(), done.toString());
    assertTrue(lock(h).isMissingNode(), "the holder's own finish kept the lock");
    assertTrue(record(h, "shop/prod").path("succeeded").isTextual());
  }

  /**
   * The module of the amble before locks named projects (main's, as released) meets a lock of
   * project shop's prod: as workspace prod it refuses the lock, and its release keeps it.
   */
  @Test
  void anOlderModuleRefusesAnotherProjectsLock() throws Exception {
    String h = "lock04";
    assertTrue(claim(shop, h, "r-shop").ok());
    JsonNode before = lock(h);

    JsonNode claimed =
        oldModule(
            h,
            "state_dir={{ amble_state_dir }} workspace=prod rollout=r-old controller=old@machine"
                + " since=2026-01-01T00:00:00Z mark=started workflow=claim");
    assertTrue(claimed.path("refused").asBoolean(), claimed.toString());
    assertFalse(claimed.path("taken").asBoolean(), claimed.toString());
    assertEquals(before, lock(h), "the older module changed the lock");
    assertTrue(record(h, "prod").isMissingNode(), "the older module marked a refused claim");

    JsonNode released =
        oldModule(
            h,
            "state_dir={{ amble_state_dir }} workspace=prod rollout=r-old state=absent"
                + " mark=succeeded workflow=claim since=2026-01-01T00:00:00Z");
    assertTrue(released.path("removed").isNull(), released.toString());
    assertEquals(before, lock(h), "the older module's release removed another project's lock");
  }

  /** Runs the older module once on a host ({@code ansible HOST -m amble_lock}): its result. */
  static JsonNode oldModule(String name, String args) throws Exception {
    Path library =
        Path.of(ProjectLocksTest.class.getResource("old-module/amble_lock.py").toURI()).getParent();
    Path out = Files.createTempFile(dir, "old-module", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(
                LocalFleet.ansible().program("ansible").toString(),
                "-i",
                fleet.inventory().toString(),
                name,
                "-o",
                "-m",
                "amble_lock",
                "-a",
                args)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("ANSIBLE_LIBRARY", library.toString());
    int code = pb.start().waitFor();
    String text = Files.readString(out);
    assertEquals(0, code, text);
    return JSON.readTree(text.substring(text.indexOf('{')));
  }
}
