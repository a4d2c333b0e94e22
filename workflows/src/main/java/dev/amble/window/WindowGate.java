package dev.amble.window;

import dev.amble.amblefile.Windows;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A workspace's maintenance windows as workflow code sees them. The period that allows starts (or
 * opens next) is computed outside workflow code, as a side effect recorded in history, so that a
 * worker with newer time-zone data replays an old history unchanged; it is computed again only once
 * the recorded one is over. A workspace without windows records nothing: every moment allows
 * starts, and the history is what it was before windows existed.
 *
 * <p>{@link #refresh} belongs to the workflow's main code; {@link #open} may also be asked in an
 * await condition, since it only reads the recorded period and workflow time.
 */
public final class WindowGate {
  /** The version marker of histories that wait for windows. */
  public static final String VERSION = "maintenance-windows";

  /** Hosts start only inside the workspace's windows. */
  public static final int WAITS = 1;

  /** The longest single wait: a rollout waiting longer continues as new in between. */
  public static final Duration LONG_WAIT = Duration.ofDays(1);

  private final Optional<Windows> windows;
  private Optional<StartPeriod> period;
  private Optional<Boolean> waits = Optional.empty();

  /**
   * @param period the period recorded last (carried over a continue-as-new), if any
   */
  public WindowGate(Optional<Windows> windows, Optional<StartPeriod> period) {
    this.windows = windows;
    this.period = period;
  }

  /** A gate that is always open: hosts of a workspace without windows start at any time. */
  public static WindowGate none() {
    return new WindowGate(Optional.empty(), Optional.empty());
  }

  /**
   * Whether this history waits for windows: never without windows; with them, decided at the first
   * call and recorded as a version marker. Main workflow code only.
   */
  private boolean waits() {
    if (windows.isEmpty()) {
      return false;
    }
    if (waits.isEmpty()) {
      waits = Optional.of(Workflow.getVersion(VERSION, Workflow.DEFAULT_VERSION, WAITS) == WAITS);
    }
    return waits.get();
  }

  /** The recorded answer of the calculator: a record, since a side effect's value is not null. */
  record Answer(Optional<StartPeriod> period) {
    Answer {
      period = period == null ? Optional.empty() : period;
    }
  }

  /**
   * Brings the recorded period up to date: when none is recorded, or the recorded one is over, the
   * calculator's answer for now is recorded (a side effect). Main workflow code only.
   */
  public void refresh() {
    if (!waits()) {
      return;
    }
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    if (period.isPresent() && period.get().closes().isAfter(now)) {
      return;
    }
    Windows w = windows.get();
    period =
        Workflow.sideEffect(Answer.class, () -> new Answer(new MaintenanceWindows(w).period(now)))
            .period();
  }

  /** Whether a host may start now, by the recorded period; true for a gate that does not wait. */
  public boolean open() {
    if (windows.isEmpty() || waits.isEmpty() || !waits.get()) {
      return true;
    }
    return period
        .filter(p -> p.allowsStartAt(Instant.ofEpochMilli(Workflow.currentTimeMillis())))
        .isPresent();
  }

  /** The period recorded last: the one open now, or the next one. */
  public Optional<StartPeriod> period() {
    return period;
  }

  /**
   * Waits until the recorded period opens, or {@code done} holds, or {@link #LONG_WAIT} has gone
   * by, on a durable timer. Returns whether the window is open; after it, call {@link #refresh}.
   * Main workflow code only.
   */
  public boolean await(Supplier<Boolean> done) {
    refresh();
    if (open()) {
      return true;
    }
    long now = Workflow.currentTimeMillis();
    Duration left =
        period
            .map(p -> Duration.ofMillis(p.opens().toEpochMilli() - now))
            .filter(d -> d.compareTo(LONG_WAIT) < 0)
            .orElse(LONG_WAIT);
    Workflow.await(left, done::get);
    refresh();
    return open();
  }
}
