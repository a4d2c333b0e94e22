package dev.amble.pages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One host on a page: on a walk page only its name; on a skipped or failed page also its outcome
 * word, the reason (at most {@link Pages#REASON_MAX} characters) and the wave it was walked in. On
 * a page of the walk order's domains ({@link Pages#DOMAINS}) a line is a run of the walk order
 * instead: the failure domain of its {@code hosts} hosts.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public record PageLine(
    String host, String outcome, String reason, int wave, String domain, int hosts) {
  public PageLine {
    host = host == null ? "" : host;
    outcome = outcome == null ? "" : outcome;
    reason = Pages.bounded(reason == null ? "" : reason);
    domain = domain == null ? "" : domain;
  }

  public PageLine(String host, String outcome, String reason, int wave) {
    this(host, outcome, reason, wave, "", 0);
  }

  /** A run of {@code hosts} hosts of the walk order, all of failure domain {@code domain}. */
  public static PageLine run(String domain, int hosts) {
    return new PageLine("", "", "", 0, domain, hosts);
  }

  /** The same line with its reason cut to {@link Pages#AWAITING_REASON_MAX} characters. */
  public PageLine brief() {
    return reason.length() <= Pages.AWAITING_REASON_MAX
        ? this
        : new PageLine(
            host,
            outcome,
            reason.substring(0, Pages.AWAITING_REASON_MAX - 3) + "...",
            wave,
            domain,
            hosts);
  }

  public static PageLine walk(String host) {
    return new PageLine(host, "", "", 0);
  }
}
