package dev.amble.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.worker.LogActivitiesImpl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogActivitiesImplTest {
  @TempDir Path workspaces;
  @TempDir Path elsewhere;

  private Path log(String workspace, String host, String name, String text) throws Exception {
    Path file =
        Files.createDirectories(workspaces.resolve(workspace).resolve("logs").resolve(host))
            .resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void servesOnlyLogsUnderItsWorkspacesLogsFolders() throws Exception {
    LogActivitiesImpl logs = new LogActivitiesImpl(workspaces);
    Path ok = log("fleet", "h1", "20261128T000000.000Z-prepare.log", "PLAY [prepare]\n");
    Path secret = Files.writeString(elsewhere.resolve("shadow.log"), "root:x\n");
    Path notLog = Files.writeString(workspaces.resolve("fleet/logs/h1/vars.json"), "{}");
    Path playbook =
        Files.writeString(
            Files.createDirectories(workspaces.resolve("fleet/playbooks")).resolve("x.log"), "");
    Path link = workspaces.resolve("fleet/logs/h1/link.log");
    Files.createSymbolicLink(link, secret);

    assertEquals("PLAY [prepare]\n", read(logs, ok.toString(), 0).text());
    for (Path refused : new Path[] {secret, notLog, playbook, link}) {
      LogPiece p = read(logs, refused.toString(), 0);
      assertFalse(p.found(), refused.toString());
      assertEquals("", p.text());
      assertTrue(p.problem().contains("not one of its logs"), p.problem());
    }
    LogPiece dotdot =
        read(
            logs,
            workspaces
                .resolve("fleet/logs/h1/../../../../" + elsewhere.getFileName() + "/shadow.log")
                .toString(),
            0);
    assertFalse(dotdot.found());
  }

  @Test
  void piecesEndAtALineBreakAndFollowOnFromWhereTheyStopped() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < LogRequest.MAX_PIECE + 1000; i++) {
      text.append("line ").append(i).append(" ü\n");
    }
    Path file = log("fleet", "h1", "20261128T000000.000Z-01-patch.log", text.toString());
    LogActivitiesImpl logs = new LogActivitiesImpl(workspaces);
    LogPiece first = read(logs, file.toString(), 0);
    assertTrue(first.more());
    assertTrue(first.text().endsWith("\n"));
    assertTrue(first.next() <= LogRequest.MAX_PIECE);
    LogPiece second = read(logs, file.toString(), first.next());
    assertFalse(second.more());
    assertEquals(text.toString(), first.text() + second.text());
    assertEquals(text.toString().getBytes(StandardCharsets.UTF_8).length, second.next());
  }

  @Test
  void findsTheHostsFirstLogAfterAnother() throws Exception {
    log("fleet", "h1", "20261128T000000.000Z-prepare.log", "prepare\n");
    log("fleet", "h1", "20261128T000005.000Z-01-patch.log", "patch\n");
    log("fleet", "h1", "20261128T000009.000Z-finish.log", "finish\n");
    log("fleet", "h2", "20261128T000007.000Z-01-patch.log", "h2\n");
    LogActivitiesImpl logs = new LogActivitiesImpl(workspaces);
    assertEquals("prepare\n", next(logs, "").text());
    assertEquals("patch\n", next(logs, "20261128T000000.000Z-prepare.log").text());
    assertEquals("finish\n", next(logs, "20261128T000005.000Z-01-patch.log").text());
    assertFalse(next(logs, "20261128T000009.000Z-finish.log").found());
  }

  @Test
  void aReadAtTheEndWaitsForMore() throws Exception {
    Path file = log("fleet", "h1", "20261128T000000.000Z-prepare.log", "one\n");
    LogActivitiesImpl logs = new LogActivitiesImpl(workspaces);
    CompletableFuture<LogPiece> waiting =
        CompletableFuture.supplyAsync(
            () -> logs.readLog(new LogRequest("fleet", "h1", file.toString(), "", 4, 10_000)));
    Files.writeString(file, "one\ntwo\n");
    LogPiece p = waiting.get();
    assertEquals("two\n", p.text());
    assertEquals(8, p.next());
  }

  @Test
  void pruningDeletesOnlyOldLogsAndTheFoldersTheyLeaveEmpty() throws Exception {
    Path old = log("fleet", "h1", "old.log", "old\n");
    Path oldEvents = log("fleet", "h1", "old.events.jsonl", "{}\n");
    Path fresh = log("fleet", "h2", "fresh.log", "fresh\n");
    Path alone = log("other", "h3", "old.log", "old\n");
    Path facts = Files.writeString(workspaces.resolve("fleet/facts.json"), "{}");
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    FileTime longAgo = FileTime.from(now.minus(Duration.ofDays(31)));
    for (Path p : new Path[] {old, oldEvents, alone, facts}) {
      Files.setLastModifiedTime(p, longAgo);
    }
    Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofDays(29))));
    int deleted =
        LogPruner.prune(workspaces, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
    assertEquals(3, deleted);
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(oldEvents));
    assertFalse(Files.exists(alone.getParent()), "an emptied host folder goes too");
    assertTrue(Files.exists(fresh));
    assertTrue(Files.exists(facts), "only logs are pruned");
    assertTrue(Files.isDirectory(workspaces.resolve("other/logs")));
  }

  @Test
  void pruningGoesOnPastAFileItCannotDelete() throws Exception {
    Path stuck = log("fleet", "h1", "a-stuck.log", "old\n");
    Path first = log("fleet", "h1", "b-old.log", "old\n");
    Path second = log("fleet", "h2", "old.log", "old\n");
    Path third = log("other", "h3", "old.log", "old\n");
    Instant now = Instant.parse("2026-11-28T12:00:00Z");
    for (Path p : new Path[] {stuck, first, second, third}) {
      Files.setLastModifiedTime(p, FileTime.from(now.minus(Duration.ofDays(31))));
    }
    int deleted =
        LogPruner.prune(
            workspaces,
            Duration.ofDays(30),
            Clock.fixed(now, ZoneOffset.UTC),
            p -> {
              if (p.equals(stuck) || p.equals(stuck.getParent())) {
                throw new java.nio.file.AccessDeniedException(p.toString());
              }
              Files.deleteIfExists(p);
            });
    assertEquals(3, deleted);
    assertTrue(Files.exists(stuck));
    assertFalse(Files.exists(first), "the same folder's next file");
    assertFalse(Files.exists(second), "the next host's");
    assertFalse(Files.exists(third), "the next workspace's");
  }

  /**
   * A running step's log is found by its run's tag (the step's activity and attempt), never by
   * time: the prepare step's log, written after the step began by the clock of the asker, is not
   * taken for it.
   */
  @Test
  void aRunningStepsLogIsFoundByItsRunsTag() throws Exception {
    String patch = RunLogTag.of("amble/p/fleet/h1", "run-1", "7", 1);
    String retry = RunLogTag.of("amble/p/fleet/h1", "run-1", "7", 2);
    String prepare = RunLogTag.of("amble/p/fleet/h1", "run-1", "3", 1);
    log("fleet", "h1", "20261128T000001.000Z-" + prepare + "-prepare.log", "prepare\n");
    log("fleet", "h1", "20261128T000000.000Z-" + patch + "-01-patch.log", "patch\n");
    LogActivitiesImpl logs = new LogActivitiesImpl(workspaces);
    assertEquals("patch\n", tagged(logs, patch).text());
    assertFalse(tagged(logs, retry).found(), "the next attempt has written nothing yet");
    log("fleet", "h1", "20261128T000002.000Z-" + retry + "-01-patch.log", "again\n");
    assertEquals("again\n", tagged(logs, retry).text());
    assertFalse(tagged(logs, "../x").found(), "only a tag's form is looked for");
  }

  @Test
  void aTagNamesOneAttemptOfOneStep() {
    String tag = RunLogTag.of("amble/p/fleet/h1", "run-1", "7", 2);
    assertTrue(RunLogTag.valid(tag), tag);
    assertTrue(tag.endsWith("-a2"), tag);
    assertEquals(tag, RunLogTag.of("amble/p/fleet/h1", "run-1", "7", 2));
    assertFalse(tag.equals(RunLogTag.of("amble/p/fleet/h1", "run-1", "7", 1)));
    assertFalse(tag.equals(RunLogTag.of("amble/p/fleet/h1", "run-2", "7", 2)));
    assertFalse(tag.equals(RunLogTag.of("amble/p/fleet/h2", "run-1", "7", 2)));
    assertTrue(RunLogTag.names("20261128T000000.000Z-" + tag + "-01-patch.log", tag));
    assertFalse(RunLogTag.names("20261128T000000.000Z-" + tag + "-01-patch.events.jsonl", tag));
  }

  private static LogPiece tagged(LogActivitiesImpl logs, String tag) {
    return logs.readLog(new LogRequest("fleet", "h1", "", "", 0, 0, "default", tag));
  }

  private static LogPiece read(LogActivitiesImpl logs, String path, long offset) {
    return logs.readLog(new LogRequest("fleet", "h1", path, "", offset, 0));
  }

  private static LogPiece next(LogActivitiesImpl logs, String after) {
    return logs.readLog(new LogRequest("fleet", "h1", "", after, 0, 0));
  }
}
