package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.sun.net.httpserver.HttpServer;
import dev.amble.ansible.LocalFleet;
import dev.amble.codec.CodecKey;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.schedule.v1.ScheduleListEntry;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeScheduleRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.ListSchedulesRequest;
import io.temporal.api.workflowservice.v1.ListSchedulesResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout on the real server with payloads encrypted: markers planted in a job option, an inline
 * task, a precondition, a failing task's message, a catch reason and a webhook's secret appear
 * nowhere in what the server keeps (histories of the rollout, its hosts and its notifier, memos, a
 * schedule of the workspace), read with a plain client that has no key; the webhook receives the
 * rollout's events, signed. The rollout starts under the key `amble server` created and finishes
 * after a rotation (a new key current, the first one decrypting only).
 */
class EncryptedHistoryTest {
  private static final String MARKER = "zq9codec";

  @TempDir Path dir;

  /**
   * The worker's cache, outside the Amblefile's folder: a cache inside it is content that `amble
   * run` packs while the worker unpacks its support files there.
   */
  @TempDir Path cache;

  /**
   * The trust issue's first finding, tried as an attacker who reaches the frontend without the key:
   * a rollout of their own (a task that writes {@code id} to a file) and a release of the caught
   * rollout, both in plain text, to the keyed worker. Neither runs; the rollout stays caught and
   * answers its operator.
   */
  private void keylessAttacksChangeNothing(Map<String, String> env) throws Exception {
    Path attacker = Files.createDirectories(dir.resolve("attacker"));
    Path owned = dir.resolve("owned-by-attacker");
    Files.writeString(attacker.resolve("inventory.yml"), "all:\n  hosts:\n    localhost:\n");
    Files.writeString(
        attacker.resolve("Amblefile.yml"),
        """
        workspaces:
          grab:
            host_pattern: all
            workflow: grab
            inventory: inventory.yml
        workflows:
          grab:
            jobs: [ { job: grab } ]
        jobs:
          grab:
            become: false
            tasks:
              - ansible.builtin.shell: id > %s
                delegate_to: localhost
                vars: { ansible_connection: local }
        """
            .formatted(owned));
    Map<String, String> keyless = new HashMap<>(env);
    keyless.remove("AMBLE_CODEC_KEY_FILE");
    AmbleProcess.Result run =
        AmbleProcess.run(attacker, keyless, 120, "run", "--detach", "--no-local-syntax-check");
    assertEquals(0, run.code(), "the keyless start itself reaches Temporal: " + run);
    WorkflowServiceStubs stubs = TemporalServerProcess.stubs();
    try {
      WorkflowClient plain = WorkflowClient.newInstance(stubs);
      WorkflowFailedException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              WorkflowFailedException.class,
              () ->
                  plain
                      .newUntypedWorkflowStub("amble/default/grab")
                      .getResult(120, TimeUnit.SECONDS, String.class));
      assertTrue(refused.getCause() != null, "the attacker's rollout failed: " + refused);
      assertFalse(Files.exists(owned), "the attacker's task ran: " + owned);

      // A keyless release of the caught rollout, naming it and its catch as amble release would.
      WorkflowStub target = plain.newUntypedWorkflowStub("amble/default/encrypted");
      String rollout =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId("amble/default/encrypted"))
                      .build())
              .getWorkflowExecutionInfo()
              .getFirstRunId();
      Map<String, Object> release =
          Map.of("skipFailed", true, "by", "mallory", "rollout", rollout, "caught", 1);
      target.signal("release", release);
      Exception update =
          org.junit.jupiter.api.Assertions.assertThrows(
              Exception.class, () -> target.update("releaseRollout", Object.class, release));
      // Rejected: its reason is the worker's, encrypted, so the sender reads only that it was.
      assertTrue(
          update instanceof io.temporal.client.WorkflowUpdateException,
          dev.amble.failure.Failures.oneLine(update));
    } finally {
      stubs.shutdownNow();
    }
    var still =
        new Rollout(dir, env)
            .await(
                "still caught by its first catch",
                s -> s.path("phase").asText().equals("caught"),
                Duration.ofSeconds(60));
    assertEquals(1, still.path("caught").path("number").asInt(), still.toString());
    assertFalse(still.toString().contains("mallory"), still.toString());
  }

  @Test
  void theServerKeepsNoPlantedMarkerAndTheRolloutFinishesAfterARotation() throws Exception {
    TemporalServerProcess.ensureRunning();
    Instant begin = Instant.now();
    Path key1 = TemporalServerProcess.DATA.resolve("codec.key");
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(key1)),
        "amble server creates its key for its owner only");
    Path key2 = dir.resolve("key-2");
    String id2 = CodecKey.create(key2).id();
    String id1 = CodecKey.read(key1).id();

    LocalFleet.create(dir, "enc", 2, (h, v) -> v.put("amble_state_become", false));
    // Outside the rollout's content (which travels as it was at the start), so it can be fixed.
    Path broken = Files.writeString(dir.resolve("broken-enc02"), "");
    // The workspace's webhook: what it receives is the operator's; what the server keeps is not.
    BlockingQueue<String> hook = new LinkedBlockingQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          String signature = x.getRequestHeaders().getFirst("Amble-Signature");
          hook.add(
              (signature == null ? "unsigned " : "signed ")
                  + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    receiver.start();
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          encrypted:
            host_pattern: fleet
            workflow: patch
            inventory: inventory.yml
            sort_order: ascending
            notify: [ { webhook: { url: "http://127.0.0.1:%d/hook", secret_env: AMBLE_NOTIFY_ZQ_HOOK_SECRET } } ]
        workflows:
          patch:
            jobs: [ { job: patch, options: { ticket: zq9codec-option } } ]
        jobs:
          patch:
            become: false
            preconditions: '!("zq9codec-precondition" in vars)'
            tasks:
              - ansible.builtin.command: echo zq9codec-task
              - name: patch
                ansible.builtin.fail: { msg: "zq9codec-failure" }
                when: "('%s/broken-' ~ inventory_hostname) is exists"
        """
            .formatted(receiver.getAddress().getPort(), dir));
    Map<String, String> env =
        new HashMap<>(TemporalServerProcess.env("encrypted-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", cache.toString());
    env.put("AMBLE_CODEC_KEY_FILE", key1.toString());
    env.put("AMBLE_NOTIFY_ZQ_HOOK_SECRET", "zq9codec-hook-secret");
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker-1.log"), "worker");
    Rollout rollout = new Rollout(dir, env);
    try {
      AmbleProcess.Result run = AmbleProcess.run(dir, env, 120, "run", "--detach");
      assertEquals(0, run.code(), run.toString());
      assertFalse(run.err().contains("not encrypted"), run.err());
      rollout.await(
          "caught",
          s -> s.path("caught").path("caught").asBoolean() && s.path("inProgress").isEmpty(),
          Duration.ofMinutes(3));
      AmbleProcess.Result caught =
          AmbleProcess.run(dir, env, 60, "catch", "-r", "zq9codec-catch-reason");
      assertEquals(0, caught.code(), caught.toString());
      keylessAttacksChangeNothing(env);
      // A schedule keeps the workspace's definition (its markers) in the server: encrypted too.
      AmbleProcess.Result scheduled =
          AmbleProcess.run(
              dir,
              env,
              120,
              "schedule",
              "create",
              "nightly",
              "-w",
              "encrypted",
              "--cron",
              "0 3 1 1 *");
      assertEquals(0, scheduled.code(), scheduled.toString());
    } finally {
      worker.destroy();
      worker.waitFor();
    }

    // The rotation: key 2 encrypts from now on, key 1 still decrypts what was written before.
    env.remove("AMBLE_CODEC_KEY_FILE");
    env.put("AMBLE_CODEC_KEYS", key2 + "," + key1);
    Files.delete(broken);
    worker = AmbleProcess.start(dir, env, dir.resolve("worker-2.log"), "worker");
    try {
      AmbleProcess.Result released = AmbleProcess.run(dir, env, 60, "release");
      assertEquals(0, released.code(), released.toString());
      var done =
          rollout.await(
              "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
      assertEquals(2, Rollout.count(done, "succeeded"), done.toString());
    } finally {
      worker.destroy();
      worker.waitFor();
    }

    List<String> events = new ArrayList<>();
    for (String e = hook.poll(2, TimeUnit.MINUTES);
        e != null;
        e = events.size() < 20 && !e.contains("\"done\"") ? hook.poll(2, TimeUnit.MINUTES) : null) {
      events.add(e);
    }
    receiver.stop(0);
    assertTrue(events.stream().allMatch(e -> e.startsWith("signed ")), events.toString());
    assertTrue(events.stream().anyMatch(e -> e.contains("\"caught\"")), events.toString());
    assertTrue(events.get(events.size() - 1).contains("\"done\""), events.toString());
    assertTrue(
        Files.readString(dir.resolve("worker-1.log"))
            .contains("payloads encrypted with key " + id1),
        "the worker's start line names the key it encrypts with");
    assertTrue(
        Files.readString(dir.resolve("worker-2.log"))
            .contains("payloads encrypted with key " + id2 + " (+1 to decrypt)"));
    String stored = everythingStoredSince(begin);
    assertEquals(
        0,
        AmbleProcess.run(dir, env, 60, "schedule", "delete", "nightly").code(),
        "schedule delete");
    assertTrue(stored.contains("amble/default/encrypted/enc02"), "read the host walks too");
    assertTrue(stored.contains("amble/@notify/default/encrypted"), "read the notifier too");
    assertTrue(stored.contains("amble/@schedule/default/nightly"), "read the schedule too");
    int at = stored.indexOf(MARKER);
    assertEquals(
        -1,
        at,
        () ->
            "a marker in plain text: ..."
                + stored.substring(Math.max(0, at - 300), Math.min(stored.length(), at + 100)));
    assertTrue(stored.contains(id1), "payloads written before the rotation name key 1");
    assertTrue(stored.contains(id2), "payloads written after the rotation name key 2");
  }

  /**
   * The histories and visibility records (memos, search attributes) of every workflow started since
   * {@code begin}, and every schedule, as the server returns them to a client without any key.
   */
  private static String everythingStoredSince(Instant begin) {
    WorkflowServiceStubs stubs = TemporalServerProcess.stubs();
    try {
      StringBuilder all = new StringBuilder();
      List<WorkflowExecutionInfo> infos = new ArrayList<>();
      com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
      do {
        ListWorkflowExecutionsResponse r =
            stubs
                .blockingStub()
                .listWorkflowExecutions(
                    ListWorkflowExecutionsRequest.newBuilder()
                        .setNamespace("default")
                        .setNextPageToken(page)
                        .build());
        infos.addAll(r.getExecutionsList());
        page = r.getNextPageToken();
      } while (!page.isEmpty());
      Timestamp since = Timestamp.newBuilder().setSeconds(begin.getEpochSecond()).build();
      for (WorkflowExecutionInfo info : infos) {
        if (info.getStartTime().getSeconds() < since.getSeconds()) {
          continue;
        }
        all.append(info.getExecution().getWorkflowId()).append('\n');
        all.append(info.toByteString().toString(StandardCharsets.UTF_8));
        WorkflowExecution e = info.getExecution();
        com.google.protobuf.ByteString events = com.google.protobuf.ByteString.EMPTY;
        do {
          GetWorkflowExecutionHistoryResponse h =
              stubs
                  .blockingStub()
                  .getWorkflowExecutionHistory(
                      GetWorkflowExecutionHistoryRequest.newBuilder()
                          .setNamespace("default")
                          .setExecution(e)
                          .setNextPageToken(events)
                          .build());
          all.append(h.getHistory().toByteString().toString(StandardCharsets.UTF_8));
          events = h.getNextPageToken();
        } while (!events.isEmpty());
      }
      com.google.protobuf.ByteString schedules = com.google.protobuf.ByteString.EMPTY;
      do {
        ListSchedulesResponse r =
            stubs
                .blockingStub()
                .listSchedules(
                    ListSchedulesRequest.newBuilder()
                        .setNamespace("default")
                        .setNextPageToken(schedules)
                        .build());
        for (ScheduleListEntry entry : r.getSchedulesList()) {
          all.append(entry.getScheduleId()).append('\n');
          all.append(entry.toByteString().toString(StandardCharsets.UTF_8));
          all.append(
              stubs
                  .blockingStub()
                  .describeSchedule(
                      DescribeScheduleRequest.newBuilder()
                          .setNamespace("default")
                          .setScheduleId(entry.getScheduleId())
                          .build())
                  .toByteString()
                  .toString(StandardCharsets.UTF_8));
        }
        schedules = r.getNextPageToken();
      } while (!schedules.isEmpty());
      return all.toString();
    } finally {
      stubs.shutdownNow();
    }
  }
}
