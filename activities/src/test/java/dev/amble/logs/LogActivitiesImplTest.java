package dev.amble.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private static LogPiece read(LogActivitiesImpl logs, String path, long offset) {
    return logs.readLog(new LogRequest("fleet", "h1", path, "", offset, 0));
  }

  private static LogPiece next(LogActivitiesImpl logs, String after) {
    return logs.readLog(new LogRequest("fleet", "h1", "", after, 0, 0));
  }
}
