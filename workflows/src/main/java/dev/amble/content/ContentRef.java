package dev.amble.content;

import java.util.Optional;

/**
 * The Ansible content a rollout was started with: the Amblefile's folder, packed by the CLI and
 * kept in Temporal (see {@link ContentWorkflow}), so that any worker runs exactly that content,
 * with no filesystem shared with the CLI.
 *
 * @param digest {@code sha256:HEX} of the packed content; also names where it is kept
 * @param bytes its size, packed and compressed
 * @param files how many files it holds
 * @param chunks how many pieces it is kept in (see {@link ContentChunk})
 * @param commit the git commit of the folder, when it is a git checkout; {@code COMMIT+dirty} when
 *     it had uncommitted changes
 */
public record ContentRef(
    String digest, long bytes, int files, int chunks, Optional<String> commit) {
  public ContentRef {
    commit = commit == null ? Optional.empty() : commit;
  }

  /** The digest's hex part, for file and workflow names. */
  public String hex() {
    return digest.substring(digest.indexOf(':') + 1);
  }

  /** The short form people read: the first 12 hex digits, and the commit. */
  public String shortText() {
    return hex().substring(0, Math.min(12, hex().length()))
        + commit.map(c -> " (git " + c + ")").orElse("");
  }

  /** The ID of the workflow that keeps piece {@code index}. */
  public String chunkId(int index) {
    return chunkId(hex(), index);
  }

  /** The ID of the workflow that keeps piece {@code index} of the content {@code hex}. */
  public static String chunkId(String hex, int index) {
    return "amble/@content/" + hex + "/" + index;
  }
}
