package dev.amble.visibility;

import io.temporal.common.SearchAttributeKey;

/**
 * amble's search attributes, all Keyword, so the Web UI (and {@code temporal workflow list}) can
 * filter rollouts and hosts: {@code AmbleKind} ({@code rollout} or {@code host}), {@code
 * AmbleWorkspace}, {@code AmbleHost}, {@code AmbleOutcome} (a rollout's phase; a host's outcome, or
 * {@code walking}). They are used only where the namespace has them (the CLI checks).
 */
public final class AmbleSearchAttributes {
  public static final SearchAttributeKey<String> KIND = SearchAttributeKey.forKeyword("AmbleKind");
  public static final SearchAttributeKey<String> WORKSPACE =
      SearchAttributeKey.forKeyword("AmbleWorkspace");
  public static final SearchAttributeKey<String> HOST = SearchAttributeKey.forKeyword("AmbleHost");
  public static final SearchAttributeKey<String> OUTCOME =
      SearchAttributeKey.forKeyword("AmbleOutcome");

  private AmbleSearchAttributes() {}

  public static io.temporal.common.SearchAttributes rollout(String workspace, String phase) {
    return io.temporal.common.SearchAttributes.newBuilder()
        .set(KIND, "rollout")
        .set(WORKSPACE, workspace)
        .set(OUTCOME, phase)
        .build();
  }

  public static io.temporal.common.SearchAttributes host(String workspace, String host) {
    return io.temporal.common.SearchAttributes.newBuilder()
        .set(KIND, "host")
        .set(WORKSPACE, workspace)
        .set(HOST, host)
        .set(OUTCOME, "walking")
        .build();
  }
}
