package dev.amble.pages;

/**
 * Where a rollout's pages live and how big they are. A page's workflow ID is the rollout's ID,
 * {@code /@pages/}, the rollout's first run ID, its list and its index: {@code
 * amble/prod/@pages/RUN/walk.1/0}. ({@code @} keeps it apart from host workflows, {@code
 * amble/prod/HOST}.)
 */
public final class Pages {
  private Pages() {}

  /** The plan's walk order (the list's key carries the planning attempt: {@code walk.1}). */
  public static final String WALK = "walk";

  /** Hosts the plan skipped, with the reason. */
  public static final String SKIPPED = "skipped";

  /**
   * The walk order's runs of hosts of one failure domain, in order (for a workspace with one; the
   * list's key carries the planning attempt: {@code domains.1}).
   */
  public static final String DOMAINS = "domains";

  /** Hosts that failed for good (not waiting for a release), with the reason. */
  public static final String FAILED = "failed";

  /** Host names on a walk page: 1,000 names of 60 characters are about 62 KB. */
  public static final int WALK_PAGE_SIZE = 1000;

  /** Lines on a skipped or failed page: 100 lines with the longest reasons are about 60 KB. */
  public static final int RESULT_PAGE_SIZE = 100;

  /** The longest reason kept for one host. */
  public static final int REASON_MAX = 500;

  /**
   * The longest reason kept for a host waiting for a release: there may be as many as hosts in
   * flight (up to 1,000), all in the rollout's state; the full reason is its host workflow's.
   */
  public static final int AWAITING_REASON_MAX = 200;

  /** The prefix of a rollout's page IDs. */
  public static String prefix(String rolloutWorkflowId, String rolloutRunId) {
    return rolloutWorkflowId + "/@pages/" + rolloutRunId;
  }

  /** A page's workflow ID: {@code PREFIX/LIST/INDEX}. */
  public static String id(String prefix, String list, int index) {
    return prefix + "/" + list + "/" + index;
  }

  /** A reason cut to {@link #REASON_MAX} characters, on one line. */
  public static String bounded(String reason) {
    String line = reason.replaceAll("\\s+", " ");
    return line.length() > REASON_MAX ? line.substring(0, REASON_MAX - 3) + "..." : line;
  }
}
