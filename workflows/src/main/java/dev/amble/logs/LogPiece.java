package dev.amble.logs;

/**
 * What a worker read of a log.
 *
 * @param found the log is there (false: no such log on this worker, it was pruned, or none was
 *     written yet after the one asked after)
 * @param log the log's path on the worker
 * @param offset where {@code text} starts, in bytes
 * @param next where the next piece starts: {@code offset} plus the bytes read
 * @param size the log's size when it was read
 * @param text the bytes read, whole lines where the piece was cut short, as UTF-8
 * @param problem why the log was not found or not read, in one line; empty when it was
 */
public record LogPiece(
    boolean found, String log, long offset, long next, long size, String text, String problem) {
  public static LogPiece missing(String log, String problem) {
    return new LogPiece(false, log, 0, 0, 0, "", problem);
  }

  /** There is more after this piece than it holds. */
  public boolean more() {
    return next < size;
  }
}
