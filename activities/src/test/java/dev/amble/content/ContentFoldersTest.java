package dev.amble.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.JobTasks;
import dev.amble.host.HostTarget;
import dev.amble.worker.ContentFolders;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content kept in Temporal and copied by workers: fetched once, checked, evicted, fetched again.
 */
class ContentFoldersTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(ContentWorkflowImpl.class)
          .build();

  @TempDir Path tmp;

  @Test
  void aWorkerCopiesTheContentAsStartedNotAsItIsNow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Path project = Files.createDirectories(tmp.resolve("cli/project"));
    Files.writeString(project.resolve("tasks.yml"), "- debug: msg=first\n");
    // Larger than one piece, so that it is kept in several.
    byte[] blob = new byte[ContentChunk.MAX_BYTES + 4096];
    new Random(3).nextBytes(blob);
    Files.write(project.resolve("blob.bin"), blob);
    ContentStore store = new ContentStore(client, worker.getTaskQueue());
    ContentRef ref = store.put(ContentArchive.pack(project), Optional.of("abc123"), Instant.now());
    assertEquals(2, ref.chunks());
    Files.writeString(project.resolve("tasks.yml"), "- debug: msg=changed after the start\n");

    Clock clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    ContentFolders folders =
        new ContentFolders(
            tmp.resolve("worker/cache"),
            tmp.resolve("worker/workspaces"),
            Optional.of(store),
            clock);
    ContentFolders.Local here = folders.local(project.toString(), Optional.of(ref));
    assertTrue(here.folder().startsWith(tmp.resolve("worker/cache")));
    assertEquals("- debug: msg=first\n", Files.readString(here.folder().resolve("tasks.yml")));
    assertEquals(
        here.folder().resolve("tasks.yml").toString(),
        here.path(project.resolve("tasks.yml").toString()));
    assertEquals("/etc/ansible/hosts", here.path("/etc/ansible/hosts"), "paths elsewhere stay");
    assertEquals("web01,web02,", here.path("web01,web02,"));
    HostTarget t =
        here.target(
            new HostTarget(
                "prod",
                project.toString(),
                Optional.of(project + "/inv.yml"),
                "web01",
                Optional.of(ref),
                new dev.amble.facts.FactStore.Jsonfile()));
    assertEquals(Optional.of(here.folder() + "/inv.yml"), t.inventory());

    // The worker keeps each project's workspace in its own folder; project default's where
    // workers kept every workspace before projects.
    Path workspaces = tmp.resolve("worker/workspaces");
    dev.amble.facts.FactStore jsonfile = new dev.amble.facts.FactStore.Jsonfile();
    assertEquals(workspaces.resolve("prod"), here.dir("default", "prod", jsonfile).root());
    assertEquals(workspaces.resolve("shop@prod"), here.dir("shop", "prod", jsonfile).root());
    assertEquals(workspaces.resolve("web@prod"), here.dir("web", "prod", jsonfile).root());
    assertEquals(
        "shop",
        here.target(
                new HostTarget(
                    "prod",
                    project.toString(),
                    Optional.empty(),
                    "web01",
                    Optional.of(ref),
                    jsonfile,
                    "shop"))
            .project());
    JobSpec job =
        here.job(
            new JobSpec(
                "upgrade",
                new JobTasks.Playbooks(List.of(project + "/site.yml")),
                false,
                List.of(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                "",
                Duration.ofMinutes(1)));
    assertEquals(new JobTasks.Playbooks(List.of(here.folder() + "/site.yml")), job.tasks());

    // Evicted (unused for long): the next use fetches it again, the same.
    Files.setLastModifiedTime(
        here.folder(), FileTime.from(clock.instant().minus(Duration.ofDays(15))));
    assertEquals(1, folders.evict());
    assertFalse(Files.exists(here.folder()));
    Path again = folders.copy(ref);
    assertEquals("- debug: msg=first\n", Files.readString(again.resolve("tasks.yml")));
    assertEquals(0, folders.evict(), "a copy just used stays");
  }

  private ContentFolders folders(WorkflowClient client, Worker worker) {
    return new ContentFolders(
        tmp.resolve("cache"),
        tmp.resolve("workspaces"),
        Optional.of(new ContentStore(client, worker.getTaskQueue())),
        Clock.systemUTC());
  }

  @Test
  void contentNoLongerKeptSaysSo(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    ContentRef gone = new ContentRef("sha256:" + "ab".repeat(32), 10, 1, 1, Optional.empty());
    ContentFolders folders = folders(client, worker);
    ContentException e = assertThrows(ContentException.class, () -> folders.copy(gone));
    assertTrue(e.getMessage().contains("is no longer kept in Temporal"), e.getMessage());
  }

  @Test
  void aDigestThatIsNoNameOrARefClaimingTooManyPiecesIsRefused(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    ContentFolders folders = folders(client, worker);
    // The digest names the copy's folder: a path in it would put the copy elsewhere.
    ContentRef climbing = new ContentRef("sha256:../../escaped", 10, 1, 1, Optional.empty());
    ContentException e = assertThrows(ContentException.class, () -> folders.copy(climbing));
    assertTrue(e.getMessage().contains("has no digest sha256:HEX"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("escaped")));
    ContentRef huge =
        new ContentRef("sha256:" + "ab".repeat(32), 10, 1, Integer.MAX_VALUE, Optional.empty());
    e = assertThrows(ContentException.class, () -> folders.copy(huge));
    assertTrue(e.getMessage().contains("claims 2147483647 pieces"), e.getMessage());
  }

  @Test
  void contentIsKeptUntilItsLastUseAndThenCloses(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Path project = Files.createDirectories(tmp.resolve("p"));
    Files.writeString(project.resolve("a.yml"), "[]\n");
    ContentStore store = new ContentStore(client, worker.getTaskQueue());
    Instant start = Instant.ofEpochMilli(env.currentTimeMillis());
    ContentRef ref = store.put(ContentArchive.pack(project), Optional.empty(), start);
    env.sleep(Duration.ofDays(60));
    store.keep(ref, start.plus(Duration.ofDays(60)));
    env.sleep(Duration.ofDays(60));
    assertEquals(
        io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        dev.amble.temporal.Executions.describe(client, ref.chunkId(0))
            .orElseThrow()
            .getWorkflowExecutionInfo()
            .getStatus(),
        "kept 90 days after its last use, not its first");
    env.sleep(Duration.ofDays(31));
    client.newUntypedWorkflowStub(ref.chunkId(0)).getResult(Void.class);
    assertEquals(
        "[]\n",
        Files.readString(
            new ContentFolders(
                    tmp.resolve("c"), tmp.resolve("w"), Optional.of(store), Clock.systemUTC())
                .copy(ref)
                .resolve("a.yml")),
        "a closed piece is read until the namespace's retention");
  }
}
