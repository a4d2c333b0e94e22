package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What an act of steering did. Its {@link #word} is what people read (status, the Web UI) and what
 * histories and memos hold, so a word never changes.
 */
public enum SteeringKind {
  /** An operator caught the rollout (or gave a catch in place its reason). */
  CATCH("catch"),
  RELEASE("release"),
  /** A release that leaves the hosts that waited for it failed. */
  RELEASE_SKIP_FAILED("release --skip-failed"),
  /** A graceful cancel: no new host starts, hosts in flight finish. */
  CANCEL("cancel"),
  /** Cancel now: the jobs in flight are stopped, their exit jobs run. */
  CANCEL_NOW("cancel --now"),
  /** amble caught the rollout: a host's failure went over the failure budget. */
  AUTO_CATCH("auto-catch"),
  /** amble caught the rollout: a health check with {@code on_failure: catch} failed. */
  HEALTH_CHECK_CATCH("health-check-catch"),
  /** {@link #HEALTH_CHECK_CATCH} as the first engine wrote it. */
  GATE_CATCH("gate-catch"),
  /** A health check with {@code on_failure: abort} failed: the rollout ends. */
  ABORT("abort"),
  /** A manual pause: amble caught the rollout between two waves. */
  PAUSE("pause"),
  /** The rollout was started with {@code --ignore-windows}. */
  IGNORE_WINDOWS("ignore-windows"),
  /** A failed host walked again while the rollout stays caught ({@code amble retry}). */
  RETRY_HOST("retry"),
  /** A host not walked yet left out ({@code amble skip}). */
  SKIP_HOST("skip");

  private final String word;

  SteeringKind(String word) {
    this.word = word;
  }

  @JsonValue
  public String word() {
    return word;
  }

  /** The kind a word names; an unknown word is a bug (every kind amble wrote is here). */
  @JsonCreator
  public static SteeringKind of(String word) {
    for (SteeringKind k : values()) {
      if (k.word.equals(word)) {
        return k;
      }
    }
    throw new IllegalArgumentException("no steering is called '" + word + "'");
  }

  /** A catch, by an operator or by amble. */
  public boolean isCatch() {
    return this != RELEASE
        && this != RELEASE_SKIP_FAILED
        && this != CANCEL
        && this != CANCEL_NOW
        && this != ABORT
        && this != IGNORE_WINDOWS
        && this != RETRY_HOST
        && this != SKIP_HOST;
  }

  @Override
  public String toString() {
    return word;
  }
}
