package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.cli.common.Identity;
import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.Caught;
import dev.amble.rollout.Progress;
import dev.amble.rollout.RolloutSummary;
import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout too big to list in one answer, that no worker runs: {@code status} pages through every
 * failed host (its pages in Temporal, then the hosts awaiting a release), as text and as JSON;
 * {@code cancel} sends its signal; {@code cancel --force} terminates the rollout and its pages and
 * names the hosts that may stay locked; {@code status} then says why it ended.
 */
class StatusPagesCliTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  static final String PREFIX = "amble/fleet/@pages/first-run";

  /**
   * Lines on each failed page, as the rollout's amble wrote them (not necessarily this amble's
   * {@link Pages#RESULT_PAGE_SIZE}): status reads the size from the first page.
   */
  static final int PER_PAGE = 200;

  @BeforeEach
  void amblefile() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
  }

  @Test
  void statusPagesThroughEveryFailedHostAndForceEndsTheRolloutAndItsPages() throws Exception {
    try (TestTemporal temporal = TestTemporal.start();
        NoWorkerCliTest.Client c = new NoWorkerCliTest.Client(temporal)) {
      TemporalPages pages = new TemporalPages(c.client, "amble");
      for (int p = 0; p < 2; p++) {
        int first = p * PER_PAGE;
        List<PageLine> lines =
            IntStream.range(first, first + PER_PAGE)
                .mapToObj(
                    i ->
                        new PageLine(
                            host(i),
                            "failed",
                            "job patch: task 'patch' (ansible.builtin.apt) failed: no. " + i,
                            1 + i / 100))
                .toList();
        pages.write(Pages.id(PREFIX, Pages.FAILED, p), new Page(Pages.FAILED, p, lines));
      }
      pages.write(
          Pages.id(PREFIX, "walk.1", 0), new Page("walk.1", 0, List.of(PageLine.walk("w001"))));
      pages.write(
          Pages.id(PREFIX, "skipped.1", 0),
          new Page("skipped.1", 0, List.of(new PageLine("s001", "skipped", "no", 0))));
      c.start(
          "amble/default/fleet",
          new RolloutSummary(
              "fleet",
              "patch",
              "ops@host",
              false,
              "caught",
              1000,
              Map.of("succeeded", 590, "failed", 403),
              5,
              List.of("h998"),
              List.of("h999"),
              new Caught(true, "host h999 failed: boom", "amble", "2026-01-01T00:00:00Z", 1),
              Progress.NONE,
              "first-run",
              42L,
              "",
              PREFIX,
              2,
              402));

      CliRun page2 = CliRun.run(dir, temporal.env(), "status", "--page-size", "150", "--page", "2");
      assertEquals(1, page2.code(), page2.toString());
      assertTrue(page2.err().contains("This is what the rollout last recorded"), page2.err());
      assertTrue(page2.out().contains("  rollout first-run, seed 42\n"), page2.out());
      assertTrue(
          page2
              .out()
              .contains("  CAUGHT since 2026-01-01T00:00:00Z by amble: host h999 failed: boom\n"),
          page2.out());
      assertTrue(page2.out().contains("In progress:\n  h998\n"), page2.out());
      assertTrue(
          page2
              .out()
              .contains(
                  "Failed hosts, oldest first (151-300 of 401, page 2 of 3: --page 3 for the next):\n"),
          page2.out());
      List<String> listed = page2.out().lines().filter(l -> l.startsWith("  f")).toList();
      assertEquals(150, listed.size(), page2.out());
      assertEquals(
          "  f0150  failed      job patch: task 'patch' (ansible.builtin.apt) failed: no. 150",
          listed.get(0));
      assertTrue(listed.get(149).startsWith("  f0299  failed"), listed.get(149));
      assertTrue(
          page2
              .out()
              .contains(
                  "  2 more failed hosts (the latest) are known only to the rollout itself: a running worker lists them\n"),
          page2.out());

      CliRun json =
          CliRun.run(
              dir,
              temporal.env(),
              "status",
              "--output",
              "json",
              "--page-size",
              "150",
              "--page",
              "3");
      assertEquals(1, json.code(), json.toString());
      JsonNode s = JSON.readTree(json.out());
      assertEquals("memo", s.path("source").asText());
      assertEquals(42, s.path("seed").asLong());
      JsonNode failed = s.path("failedHosts");
      assertEquals(3, failed.path("page").asInt());
      assertEquals(3, failed.path("pages").asInt());
      assertEquals(401, failed.path("total").asInt());
      assertEquals(2, failed.path("unlisted").asInt());
      assertEquals(101, failed.path("hosts").size());
      assertEquals("f0300", failed.at("/hosts/0/host").asText());
      assertEquals(4, failed.at("/hosts/0/wave").asInt());
      assertEquals("h999", failed.at("/hosts/100/host").asText());
      assertTrue(failed.at("/hosts/100/awaiting").asBoolean(), failed.toString());

      CliRun gentle = CliRun.run(dir, temporal.env(), "cancel", "-r", "the workers are gone");
      assertEquals(0, gentle.code(), gentle.toString());
      assertEquals(
          "Cancel of the rollout of fleet sent: it takes effect when a worker runs. No new host starts; the hosts in"
              + " flight then finish their walk.\n",
          gentle.out());

      CliRun force =
          CliRun.run(dir, temporal.env(), "cancel", "--force", "-r", "the workers are gone");
      assertEquals(0, force.code(), force.toString());
      String by = Identity.operator();
      List<String> out = force.out().lines().toList();
      assertTrue(
          out.get(0)
              .matches(
                  "Terminated the rollout of fleet \\(amble/default/fleet, run \\S+\\): cancel --force by "
                      + java.util.regex.Pattern.quote(by)
                      + ": the workers are gone\\."),
          force.out());
      assertEquals("Terminated its 4 pages (" + PREFIX + "/...).", out.get(1));
      assertEquals(
          "These 402 hosts may still hold the lock of workspace fleet: they stay locked until `amble run -w fleet`"
              + " walks them again or someone unlocks them:",
          out.get(2));
      assertEquals("  h998   in flight", out.get(3));
      assertEquals("  f0000  failed", out.get(4));
      assertEquals("  f0399  failed", out.get(403));
      assertEquals("  h999   failed, awaiting release", out.get(404));
      assertEquals(List.of("cancel", "cancel"), c.signals("amble/default/fleet"));
      for (String page :
          List.of(
              Pages.id(PREFIX, Pages.FAILED, 1),
              Pages.id(PREFIX, "walk.1", 0),
              Pages.id(PREFIX, "skipped.1", 0))) {
        assertEquals(
            WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
            Executions.describe(c.client, page)
                .orElseThrow()
                .getWorkflowExecutionInfo()
                .getStatus(),
            page);
      }

      CliRun ended = CliRun.run(dir, temporal.env(), "status", "--page-size", "1");
      assertEquals(1, ended.code(), ended.toString());
      List<String> lines = ended.out().lines().toList();
      assertEquals(
          "Rollout of workspace fleet (workflow patch), started by ops@host: terminated",
          lines.get(0));
      assertTrue(
          lines
              .get(1)
              .startsWith(
                  "  ended: terminated: cancel --force by " + by + ": the workers are gone (by "),
          ended.out());
      assertFalse(ended.out().contains("CAUGHT"), ended.out());
      assertTrue(
          ended
              .out()
              .contains(
                  "  1000 hosts: 590 succeeded, 403 failed; 1 in flight when it ended; 5 not walked\n"),
          ended.out());
      assertTrue(ended.out().contains("In flight when it ended:\n  h998\n"), ended.out());
      assertTrue(
          ended
              .out()
              .contains(
                  "Failed hosts, oldest first (1-1 of 401, page 1 of 401: --page 2 for the next):\n  f0000  failed"),
          ended.out());

      CliRun again = CliRun.run(dir, temporal.env(), "cancel", "--force");
      assertEquals(2, again.code(), again.toString());
      assertEquals(
          "amble: the last rollout of workspace fleet is not running (terminated)\n", again.err());
    }
  }

  static String host(int i) {
    return String.format("f%04d", i);
  }
}
