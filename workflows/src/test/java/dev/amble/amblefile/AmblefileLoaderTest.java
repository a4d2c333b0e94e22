package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.converter.DefaultDataConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AmblefileLoaderTest {
  static final Path VALID = Path.of("src/test/resources/amblefiles/valid/Amblefile.yml");

  @Test
  void readsEveryKeyOfSchemaOne() throws Exception {
    Amblefile a = AmblefileLoader.load(VALID, "Amblefile.yml");
    Path folder = VALID.toAbsolutePath().getParent();

    WorkspaceSpec staging = a.workspaces().get("staging-pods");
    assertEquals(
        new WorkspaceSpec(
            "staging-pods",
            "staging:&pod",
            "dist-upgrade",
            SortOrder.ASCENDING,
            3,
            true,
            Optional.of(folder.resolve("inventory.yml").toString()),
            Strategy.DEFAULT),
        staging);
    WorkspaceSpec everything = a.workspaces().get("everything");
    assertEquals(SortOrder.SHUFFLE, everything.sortOrder());
    assertEquals(1, everything.concurrency());
    assertFalse(everything.requireLimit());
    assertEquals(Optional.empty(), everything.inventory());

    WorkflowSpec w = a.workflows().get("dist-upgrade");
    assertFalse(w.alwaysRetryFailedHosts());
    assertEquals(
        List.of("pre-tasks", "dist-upgrade", "post-tasks"),
        w.jobs().stream().map(JobUse::job).toList());
    assertEquals(List.of("uncordon"), w.exitJobs().stream().map(JobUse::job).toList());

    JobSpec pre = a.jobs().get("pre-tasks");
    assertFalse(pre.become());
    assertEquals(JobSpec.ALWAYS, pre.preconditions());
    assertEquals(JobSpec.DEFAULT_TIMEOUT, pre.timeout());
    JobTasks.Inline inline = assertInstanceOf(JobTasks.Inline.class, pre.tasks());
    assertEquals(
        "hello {{ inventory_hostname }}",
        inline.tasks().get(0).at("/ansible.builtin.debug/msg").asText());

    JobSpec upgrade = a.jobs().get("dist-upgrade");
    assertTrue(upgrade.become());
    assertEquals(Duration.ofMinutes(150), upgrade.timeout());
    assertEquals(List.of("target_version"), upgrade.requiredOptions());
    assertTrue(upgrade.preconditions().startsWith("facts.ansible_distribution == \"Debian\" &&"));

    assertEquals(
        new JobTasks.TasksFile(folder.resolve("dist_upgrade/main.yml").toString()),
        a.jobs().get("post-tasks").tasks());
    assertEquals(
        new JobTasks.Playbooks(List.of(folder.resolve("dist_upgrade/main.yml").toString())),
        a.jobs().get("uncordon").tasks());
  }

  @Test
  void aDefinitionAppliesEachUsesOptionsOverTheJobDefaults() throws Exception {
    Definition d = AmblefileLoader.load(VALID, "Amblefile.yml").definition("staging-pods");
    assertEquals(4, d.jobs().size());
    Definition.Step upgrade = d.steps().get(1);
    assertEquals("dist-upgrade", upgrade.job().name());
    assertEquals(12, upgrade.options().get("target_version").asInt());
    assertTrue(upgrade.options().get("reboot").asBoolean());
    assertEquals(1, d.exitSteps().size());
    assertTrue(d.exitSteps().get(0).exit());
  }

  static final String MINIMAL =
      """
      workspaces:
        prod:
          host_pattern: web
          workflow: w
      workflows:
        w:
          jobs: [ { job: j } ]
      jobs:
        j: { tasks: [ { ansible.builtin.ping: {} } ] }
      """;

  @Test
  void theProjectIsTheDefaultUnlessGiven() throws Exception {
    Path file = Path.of("/virtual/Amblefile.yml");
    Amblefile unnamed = AmblefileLoader.parse(file, "Amblefile.yml", MINIMAL);
    assertEquals("default", unnamed.project());
    assertEquals("default", unnamed.definition("prod").project());

    Amblefile named =
        AmblefileLoader.parse(file, "Amblefile.yml", "project: shop-2.eu\n" + MINIMAL);
    assertEquals("shop-2.eu", named.project());
    assertEquals("shop-2.eu", named.definition("prod").project());
  }

  /** A definition serialized before projects (a running rollout's input) is the default project. */
  @Test
  void aDefinitionWithoutAProjectIsTheDefaultOne() throws Exception {
    Definition d =
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"), "Amblefile.yml", "project: shop\n" + MINIMAL)
            .definition("prod");
    io.temporal.common.converter.DataConverter json =
        io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    String written = json.toPayload(d).orElseThrow().getData().toStringUtf8();
    assertTrue(written.contains("\"project\":\"shop\","), written);
    String old = written.replace("\"project\":\"shop\",", "");
    Definition read =
        json.fromPayload(
            json.toPayload(d).orElseThrow().toBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8(old))
                .build(),
            Definition.class,
            Definition.class);
    assertEquals("default", read.project());
    assertEquals(d.workspace(), read.workspace());
  }

  @Test
  void readsARolloutStrategy() throws Exception {
    Amblefile a =
        AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              prod:
                host_pattern: web
                workflow: w
                waves: [1, 5, "10%", "25%"]
                pause_between_waves: 15m
                bake_time: 10m
                max_failures: "5%"
                max_failures_per_wave: 1
                unreachable: retry
                unreachable_attempts: 4
                unreachable_backoff: 20s
                pre_checks:
                  host:
                    - { name: lb-pool, hosts: lb, tasks: [ { ansible.builtin.ping: {} } ], become: true }
                post_checks:
                  host:
                    - { name: health, http: "http://{host}:8080/health", expect_status: 204, on_failure: abort, timeout: 30s }
                  wave:
                    - { name: errors, http: "https://metrics/errors", on_failure: continue }
                continuous_checks:
                  interval: 1m
                  checks:
                    - { name: 5xx, http: "https://metrics/5xx" }
            workflows:
              w: { jobs: [ { job: j } ] }
            jobs:
              j: { tasks: [ { ansible.builtin.ping: {} } ] }
            """);
    Strategy s = a.workspaces().get("prod").strategy();
    assertEquals(
        List.of(Amount.count(1), Amount.count(5), Amount.percent(10), Amount.percent(25)),
        s.waves());
    assertEquals(Optional.of(Duration.ofMinutes(15)), s.pauseBetweenWaves());
    assertFalse(s.manualPause());
    assertEquals(Duration.ofMinutes(10), s.bakeTime());
    assertEquals(Amount.percent(5), s.maxFailures());
    assertEquals(Optional.of(Amount.count(1)), s.maxFailuresPerWave());
    assertEquals(
        new Strategy.Unreachable(Strategy.Unreachable.Policy.RETRY, 4, Duration.ofSeconds(20)),
        s.unreachable());
    HealthCheck pool = s.preChecks().host().get(0);
    assertEquals("lb-pool", pool.name());
    assertEquals(HealthCheck.OnFailure.CATCH, pool.onFailure());
    HealthCheck.Probe.Tasks tasks = assertInstanceOf(HealthCheck.Probe.Tasks.class, pool.probe());
    assertEquals("lb", tasks.hosts());
    assertTrue(tasks.become());
    HealthCheck health = s.postChecks().host().get(0);
    assertEquals(new HealthCheck.Probe.Http("http://{host}:8080/health", 204), health.probe());
    assertEquals(HealthCheck.OnFailure.ABORT, health.onFailure());
    assertEquals(Duration.ofSeconds(30), health.timeout());
    assertEquals(HealthCheck.OnFailure.CONTINUE, s.postChecks().wave().get(0).onFailure());
    assertEquals(Duration.ofMinutes(1), s.continuousChecks().orElseThrow().interval());
    assertEquals("5xx", s.continuousChecks().orElseThrow().checks().get(0).name());
    assertEquals(
        Strategy.DEFAULT,
        AmblefileLoader.load(VALID, "Amblefile.yml").workspaces().get("everything").strategy());
    // Sizes of waves for 100 hosts: 1, 5, 10, then 25 until the hosts run out.
    assertEquals(List.of(1, 5, 10, 25, 25, 25, 9), dev.amble.plan.Waves.sizes(s.waves(), 100));
    assertEquals(5, s.maxFailures().budget(100));
    assertEquals(0, s.maxFailures().budget(19), "5% of 19 rounds down to 0");
  }

  @Test
  void readsMaintenanceWindows() throws Exception {
    Definition d =
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                MINIMAL.replace(
                    "    workflow: w\n",
                    """
                          workflow: w
                          windows:
                            time_zone: Europe/Berlin
                            allow:
                              - { days: [mon, tue, wed, thu], from: "22:00", to: "05:00" }
                              - { from: 13:00, to: 14:30 }
                            deny:
                              - { dates: ["2026-12-24", 2026-12-31] }
                            cutoff: 45m
                      """))
            .definition("prod");
    Windows w = d.workspace().windows().orElseThrow();
    assertEquals("Europe/Berlin", w.timeZone());
    Windows.Allow nights = w.allow().get(0);
    assertEquals(
        List.of(
            java.time.DayOfWeek.MONDAY,
            java.time.DayOfWeek.TUESDAY,
            java.time.DayOfWeek.WEDNESDAY,
            java.time.DayOfWeek.THURSDAY),
        nights.days());
    assertEquals(java.time.LocalTime.of(22, 0), nights.from());
    assertEquals(java.time.LocalTime.of(5, 0), nights.to());
    assertTrue(nights.crossesMidnight());
    assertEquals(Duration.ofHours(7), nights.length());
    Windows.Allow lunch = w.allow().get(1);
    assertEquals(List.of(java.time.DayOfWeek.values()), lunch.days(), "no days is every day");
    assertFalse(lunch.crossesMidnight());
    assertEquals(Duration.ofMinutes(90), lunch.length());
    assertEquals(
        List.of(
            new Windows.Deny(
                List.of(
                    java.time.LocalDate.of(2026, 12, 24), java.time.LocalDate.of(2026, 12, 31)))),
        w.deny());
    assertEquals(Duration.ofMinutes(45), w.cutoff());

    io.temporal.common.converter.DataConverter json =
        io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    io.temporal.api.common.v1.Payload written = json.toPayload(d).orElseThrow();
    assertEquals(d, json.fromPayload(written, Definition.class, Definition.class));
    assertEquals(
        Optional.empty(),
        AmblefileLoader.parse(Path.of("/virtual/Amblefile.yml"), "Amblefile.yml", MINIMAL)
            .definition("prod")
            .workspace()
            .windows(),
        "a workspace without windows: hosts start at any time");
  }

  /**
   * A host walk's input keeps what a walk reads (its steps with their tasks, the host checks, the
   * unreachable policy, the windows, where the content and facts are) and drops what only the
   * rollout reads (waves, budgets, wave and continuous checks, notifications, unused jobs).
   */
  @Test
  void aWalksDefinitionKeepsWhatTheWalkReads() throws Exception {
    Definition d =
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                """
                workspaces:
                  prod:
                    host_pattern: web
                    workflow: w
                    waves: [1, "10%"]
                    max_failures: 2
                    unreachable: retry
                    unreachable_attempts: 4
                    pre_checks:
                      host: [ { name: pool, http: "http://{host}/pool" } ]
                      wave: [ { name: capacity, http: "http://cap/" } ]
                    post_checks:
                      host: [ { name: health, http: "http://{host}/health" } ]
                    continuous_checks:
                      interval: 1m
                      checks: [ { name: 5xx, http: "https://metrics/5xx" } ]
                    windows:
                      time_zone: UTC
                      allow: [ { days: [mon], from: "22:00", to: "05:00" } ]
                    notify:
                      - webhook: { url: "https://hooks.example.net/amble", secret_env: AMBLE_NOTIFY_HOOK }
                workflows:
                  w: { jobs: [ { job: j, options: { v: 2 } } ], exit_jobs: [ { job: x } ] }
                jobs:
                  j: { tasks: [ { ansible.builtin.ping: {} } ], preconditions: "options.v > 1" }
                  x: { tasks: [ { ansible.builtin.ping: {} } ] }
                  unused: { tasks: [ { ansible.builtin.ping: {} } ] }
                """)
            .definition("prod");
    Definition w = d.forWalk();
    assertEquals(d.steps(), w.steps());
    assertEquals(d.exitSteps(), w.exitSteps());
    assertEquals(Set.of("j", "x"), w.jobs().keySet());
    assertEquals(d.workflow(), w.workflow());
    assertEquals(d.workspace().windows(), w.workspace().windows());
    assertEquals(d.workspace().factStore(), w.workspace().factStore());
    assertEquals(d.workspace().inventory(), w.workspace().inventory());
    assertEquals(d.content(), w.content());
    Strategy s = w.workspace().strategy();
    assertEquals(d.workspace().strategy().unreachable(), s.unreachable());
    assertEquals(d.workspace().strategy().preChecks().host(), s.preChecks().host());
    assertEquals(d.workspace().strategy().postChecks().host(), s.postChecks().host());
    assertEquals(List.of(), s.waves());
    assertEquals(List.of(), s.preChecks().wave());
    assertEquals(Optional.empty(), s.continuousChecks());
    assertEquals(List.of(), w.workspace().notifications());
    assertTrue(
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(w).orElseThrow().getSerializedSize()
            < DefaultDataConverter.STANDARD_INSTANCE
                .toPayload(d)
                .orElseThrow()
                .getSerializedSize());
  }

  @Test
  void readsNotifications() throws Exception {
    Definition d =
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                MINIMAL.replace(
                    "    workflow: w\n",
                    """
                          workflow: w
                          notify:
                            - webhook: { url: "https://hooks.example.net/amble", secret_env: AMBLE_NOTIFY_HOOK }
                            - slack: { webhook_url_env: AMBLE_NOTIFY_SLACK_URL }
                              events: [caught, done, caught]
                              include_output: true
                            - email: { to: [ops@example.net], smtp: "smtp.example.net:587",
                                       user_env: AMBLE_NOTIFY_SMTP_USER, password_env: AMBLE_NOTIFY_SMTP_PASSWORD }
                      """))
            .definition("prod");
    List<Notification> n = d.workspace().notifications();
    assertEquals(
        new Notification(
            new Notification.Webhook("https://hooks.example.net/amble", "AMBLE_NOTIFY_HOOK"),
            List.of(Notification.Event.values()),
            false),
        n.get(0),
        "every event unless it names some; output lines only when asked for");
    assertEquals(
        new Notification(
            new Notification.Slack("AMBLE_NOTIFY_SLACK_URL"),
            List.of(Notification.Event.CAUGHT, Notification.Event.DONE),
            true),
        n.get(1));
    assertFalse(n.get(1).wants(Notification.Event.STARTED));
    assertEquals(
        new Notification.Email(
            List.of("ops@example.net"),
            "amble@example.net",
            "smtp.example.net",
            587,
            Optional.of("AMBLE_NOTIFY_SMTP_USER"),
            Optional.of("AMBLE_NOTIFY_SMTP_PASSWORD")),
        n.get(2).target());
    io.temporal.common.converter.DataConverter json =
        io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    io.temporal.api.common.v1.Payload written = json.toPayload(d).orElseThrow();
    assertEquals(d, json.fromPayload(written, Definition.class, Definition.class));
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            mapper.readTree(written.getData().toStringUtf8());
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("workspace"))
        .remove("notifications");
    String old = mapper.writeValueAsString(tree);
    assertEquals(
        List.of(),
        json.fromPayload(
                written.toBuilder()
                    .setData(com.google.protobuf.ByteString.copyFromUtf8(old))
                    .build(),
                Definition.class,
                Definition.class)
            .workspace()
            .notifications(),
        "a definition written before notifications (a running rollout's input) has none");
  }

  /** A definition written before windows existed (a running rollout's input) has none. */
  @Test
  void aDefinitionWithoutWindowsHasNone() throws Exception {
    Definition d =
        AmblefileLoader.parse(Path.of("/virtual/Amblefile.yml"), "Amblefile.yml", MINIMAL)
            .definition("prod");
    io.temporal.common.converter.DataConverter json =
        io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE;
    io.temporal.api.common.v1.Payload written = json.toPayload(d).orElseThrow();
    String text = written.getData().toStringUtf8();
    assertTrue(text.contains(",\"windows\":null"), text);
    String old = text.replace(",\"windows\":null", "");
    Definition read =
        json.fromPayload(
            written.toBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8(old)).build(),
            Definition.class,
            Definition.class);
    assertEquals(Optional.empty(), read.workspace().windows());
    assertEquals(d, read);
  }

  /**
   * A host may start at the last moment the cutoff allows; a long job then runs past the window.
   */
  @Test
  void warnsWhenAJobsTimeoutCarriesAHostFarPastItsWindow() throws Exception {
    String windowed =
        """
        workspaces:
          prod:
            host_pattern: web
            workflow: w
            windows:
              time_zone: Europe/Berlin
              allow: [ { from: "22:00", to: "05:00" } ]
              cutoff: 45m
        workflows:
          w: { jobs: [ { job: short } ], exit_jobs: [ { job: long } ] }
        jobs:
          short: { timeout: 1h, tasks: [ { ansible.builtin.ping: {} } ] }
          long: { timeout: 3h, tasks: [ { ansible.builtin.ping: {} } ] }
        """;
    Path file = Path.of("/virtual/Amblefile.yml");
    assertEquals(
        List.of(
            "Amblefile.yml:6:7: workspaces.prod.windows: warning: job long's timeout of 3h can carry"
                + " a host up to 2h15m past the end of a window (cutoff 45m); a longer cutoff or a"
                + " shorter timeout keeps hosts inside"),
        AmblefileLoader.parse(file, "Amblefile.yml", windowed).warnings().stream()
            .map(AmblefileProblem::toString)
            .toList());
    assertEquals(
        List.of(),
        AmblefileLoader.parse(
                file, "Amblefile.yml", windowed.replace("timeout: 3h", "timeout: 1h45m"))
            .warnings(),
        "an hour past is not far");
    assertEquals(List.of(), AmblefileLoader.parse(file, "Amblefile.yml", MINIMAL).warnings());
  }
}
