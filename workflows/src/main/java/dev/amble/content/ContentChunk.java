package dev.amble.content;

/**
 * One piece of packed content, the input of the {@link ContentWorkflow} that keeps it.
 *
 * @param keepUntil when the piece may go (ISO-8601); a rollout that uses the content moves it later
 */
public record ContentChunk(String digest, int index, int count, byte[] data, String keepUntil) {
  /** The most bytes a piece holds: its payload stays well under Temporal's 2 MB limit. */
  public static final int MAX_BYTES = 1024 * 1024;
}
