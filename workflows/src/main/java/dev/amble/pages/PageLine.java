package dev.amble.pages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One host on a page: on a walk page only its name; on a skipped or failed page also its outcome
 * word, the reason (at most {@link Pages#REASON_MAX} characters) and the wave it was walked in.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record PageLine(String host, String outcome, String reason, int wave) {
  public PageLine {
    outcome = outcome == null ? "" : outcome;
    reason = Pages.bounded(reason == null ? "" : reason);
  }

  /** The same line with its reason cut to {@link Pages#AWAITING_REASON_MAX} characters. */
  public PageLine brief() {
    return reason.length() <= Pages.AWAITING_REASON_MAX
        ? this
        : new PageLine(
            host, outcome, reason.substring(0, Pages.AWAITING_REASON_MAX - 3) + "...", wave);
  }

  public static PageLine walk(String host) {
    return new PageLine(host, "", "", 0);
  }
}
