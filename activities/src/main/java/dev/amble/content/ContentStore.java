package dev.amble.content;

import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a rollout's content lives: in Temporal itself, as {@link ContentWorkflow}s, one per piece
 * of at most 1 MiB, so that it needs no store besides the one every amble part already reaches. A
 * piece is kept {@link #KEEP} after the last rollout that started with it or the last worker that
 * fetched it (each moves its time later), then kept as a closed workflow for the namespace's
 * retention.
 */
public final class ContentStore {
  /** How long content stays after its last use. */
  public static final Duration KEEP = Duration.ofDays(90);

  /** The most pieces content is kept in: {@link ContentArchive#MAX_BYTES} in pieces of 1 MiB. */
  static final long MAX_PIECES =
      (ContentArchive.MAX_BYTES + ContentChunk.MAX_BYTES - 1) / ContentChunk.MAX_BYTES;

  private final WorkflowClient client;
  private final String taskQueue;

  /**
   * @param taskQueue where amble's workers poll (they run the keeping workflows)
   */
  public ContentStore(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** Keeps packed content, or moves the keep time of content already kept. */
  public ContentRef put(ContentArchive.Packed packed, Optional<String> commit, Instant now) {
    byte[] bytes = packed.bytes();
    int count = Math.max(1, (bytes.length + ContentChunk.MAX_BYTES - 1) / ContentChunk.MAX_BYTES);
    ContentRef ref = new ContentRef(packed.digest(), bytes.length, packed.files(), count, commit);
    String until = now.plus(KEEP).toString();
    for (int i = 0; i < count; i++) {
      byte[] piece =
          Arrays.copyOfRange(
              bytes,
              i * ContentChunk.MAX_BYTES,
              Math.min(bytes.length, (i + 1) * ContentChunk.MAX_BYTES));
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              "ContentWorkflow",
              WorkflowOptions.newBuilder()
                  .setWorkflowId(ref.chunkId(i))
                  .setTaskQueue(taskQueue)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .build());
      stub.signalWithStart(
          "keepUntil",
          new Object[] {until},
          new Object[] {new ContentChunk(ref.digest(), i, count, piece, until)});
    }
    return ref;
  }

  /** Moves the keep time of kept content; pieces already gone are left gone. */
  public void keep(ContentRef ref, Instant now) {
    String until = now.plus(KEEP).toString();
    for (int i = 0; i < ref.chunks(); i++) {
      try {
        client.newUntypedWorkflowStub(ref.chunkId(i)).signal("keepUntil", until);
      } catch (WorkflowNotFoundException | WorkflowServiceException gone) {
        // closed: readable until the namespace's retention ends, and fetched by then
      }
    }
  }

  /**
   * The content kept under {@code digest} ({@code sha256:HEX}), when all its pieces still are; its
   * file count is not kept with it (0) and its commit is unknown.
   */
  public Optional<ContentRef> find(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    Optional<ContentChunk> first =
        Executions.input(client, ContentRef.chunkId(hex, 0), ContentChunk.class)
            .filter(c -> c.digest().equals(digest));
    if (first.isEmpty() || first.get().count() < 1 || first.get().count() > MAX_PIECES) {
      return Optional.empty(); // a piece claiming more than content may weigh is not content
    }
    long bytes = first.get().data().length;
    for (int i = 1; i < first.get().count(); i++) {
      Optional<ContentChunk> piece =
          Executions.input(client, ContentRef.chunkId(hex, i), ContentChunk.class);
      if (piece.isEmpty()) {
        return Optional.empty();
      }
      bytes += piece.get().data().length;
    }
    return Optional.of(new ContentRef(digest, bytes, 0, first.get().count(), Optional.empty()));
  }

  /** The packed content, from the first event of each piece's history. */
  public byte[] get(ContentRef ref) {
    if (ref.chunks() < 1 || ref.chunks() > MAX_PIECES) {
      throw new ContentException(
          "the rollout's content " + ref.shortText() + " claims " + ref.chunks() + " pieces");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ref.chunks(); i++) {
      int piece = i;
      ContentChunk chunk =
          Executions.input(client, ref.chunkId(i), ContentChunk.class)
              .orElseThrow(
                  () ->
                      new ContentException(
                          "the rollout's content "
                              + ref.shortText()
                              + " is no longer kept in Temporal (piece "
                              + ref.chunkId(piece)
                              + " is gone): start the rollout again from its folder"));
      out.writeBytes(chunk.data());
      if (out.size() > ContentArchive.MAX_BYTES) {
        throw new ContentException(
            "the rollout's content "
                + ref.shortText()
                + " is more than "
                + (ContentArchive.MAX_BYTES >> 20)
                + " MiB, the most a rollout carries");
      }
    }
    return out.toByteArray();
  }
}
