package dev.amble.listen;

import dev.amble.amblefile.RolloutOverrides;
import dev.amble.listen.EventMessage.Action;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the holder of a listen token (or a publisher to the queue) may ask of {@code amble listen}:
 * the actions, the workspaces, and which of a workspace's strategy keys a run (or a release) may
 * override. {@link #LEAST} is what a bare token gets: every action on every workspace, but no
 * override, so the Amblefile's failure budgets, waves and concurrency hold.
 *
 * @param actions the actions allowed
 * @param workspaces the workspaces: {@code *} for every one, {@code NAME} for that workspace of any
 *     project, {@code PROJECT/NAME} for one project's
 * @param overrides the option keys a message may set ({@link #OVERRIDABLE}); {@code seed} is always
 *     allowed (it only reorders a shuffle)
 */
public record Grant(Set<Action> actions, Set<String> workspaces, Set<String> overrides) {
  /**
   * The keys a grant may allow: the strategy keys of {@link RolloutOverrides#KEYS}, and
   * skip_failed.
   */
  public static final Set<String> OVERRIDABLE = overridable();

  /** A bare token's grant: every action, every workspace, no override. */
  public static final Grant LEAST = new Grant(EnumSet.allOf(Action.class), Set.of("*"), Set.of());

  public Grant {
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
    workspaces = Set.copyOf(workspaces);
    overrides = Set.copyOf(overrides);
    List<String> unknown = new ArrayList<>();
    for (String key : overrides) {
      if (!OVERRIDABLE.contains(key)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "overrides: "
              + String.join(", ", new TreeSet<>(unknown))
              + " cannot be overridden; known: "
              + String.join(", ", new TreeSet<>(OVERRIDABLE)));
    }
  }

  /** The actions named by their words (run, catch, release, cancel). */
  public static Set<Action> actions(List<String> words) {
    Set<Action> out = EnumSet.noneOf(Action.class);
    for (String w : words) {
      try {
        out.add(Action.valueOf(w.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "actions: " + w + " is none of run, catch, release, cancel", e);
      }
    }
    return out;
  }

  /** The override keys named, or every one for {@code all}, none for {@code none}. */
  public static Set<String> overrides(List<String> keys) {
    if (keys.size() == 1 && keys.get(0).strip().equals("all")) {
      return OVERRIDABLE;
    }
    if (keys.size() == 1 && keys.get(0).strip().equals("none")) {
      return Set.of();
    }
    return Set.copyOf(keys.stream().map(String::strip).toList());
  }

  /** Refuses (forbidden) a message this grant does not allow, saying what it lacks. */
  public void check(EventMessage m) {
    if (!actions.contains(m.action())) {
      throw forbidden("this token may not " + m.action().word() + " (it may " + words() + ")");
    }
    if (!workspaces.contains("*")
        && !workspaces.contains(m.workspace())
        && !workspaces.contains(m.project() + "/" + m.workspace())) {
      throw forbidden(
          "this token may not act on workspace " + m.workspace() + " of project " + m.project());
    }
    List<String> denied = new ArrayList<>();
    for (String key : m.options().keySet()) {
      if (!key.equals("seed") && !overrides.contains(key)) {
        denied.add(key);
      }
    }
    if (!denied.isEmpty()) {
      throw forbidden(
          "this token may not override "
              + String.join(", ", new TreeSet<>(denied))
              + " (the workspace's Amblefile decides; a grant with overrides allows it)");
    }
  }

  private String words() {
    return actions.isEmpty()
        ? "nothing"
        : String.join(", ", EnumSet.copyOf(actions).stream().map(Action::word).toList());
  }

  private static EventMessage.Refused forbidden(String why) {
    return new EventMessage.Refused(Outcome.forbidden(why));
  }

  private static Set<String> overridable() {
    Set<String> all = new TreeSet<>(RolloutOverrides.KEYS);
    all.add("skip_failed");
    return Set.copyOf(all);
  }
}
