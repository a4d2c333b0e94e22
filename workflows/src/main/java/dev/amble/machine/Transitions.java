package dev.amble.machine;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A stage machine's table: the transitions it declares, from a stage on an event to a stage, and no
 * other. Its code moves only through {@link #to}, which refuses an undeclared transition. After
 * Temporal's own state machines (sdk-java's {@code internal/statemachines}): states and events are
 * enums, and the table is the one place that says which moves there are, so a test can check both
 * ways that the code and the table agree (an undeclared move fails the workflow test that makes it;
 * a declared move that no test makes fails the build).
 *
 * @param <S> the stages
 * @param <E> the events that move the machine from a stage
 */
public final class Transitions<S extends Enum<S>, E extends Enum<E>> {
  /** One move: from a stage, on an event, to a stage. */
  public record Transition<S extends Enum<S>, E extends Enum<E>>(S from, E event, S to) {
    @Override
    public String toString() {
      return from + " -" + event + "-> " + to;
    }
  }

  /**
   * Sees every transition a machine makes, declared or not, before it is checked: the tests set it,
   * to know which transitions their workflows visited. Nothing by default; package-private, so only
   * the tests' helper in this package can set it.
   */
  static volatile Consumer<Transition<?, ?>> visited = t -> {};

  private final String name;
  private final Set<Transition<S, E>> declared;

  private Transitions(String name, Set<Transition<S, E>> declared) {
    this.name = name;
    this.declared = Set.copyOf(declared);
  }

  /** A table named {@code name} for people (e.g. "the rollout's stages"), to fill. */
  public static <S extends Enum<S>, E extends Enum<E>> Builder<S, E> named(String name) {
    return new Builder<>(name);
  }

  /** What the table is, for people. */
  public String name() {
    return name;
  }

  /** Every declared transition. */
  public Set<Transition<S, E>> declared() {
    return declared;
  }

  /** Whether the table declares {@code from} -{@code event}-> {@code to}. */
  public boolean declares(S from, E event, S to) {
    return declared.contains(new Transition<>(from, event, to));
  }

  /**
   * The machine leaves {@code from} on {@code event} for {@code to}: returns {@code to}, or throws
   * {@link UndeclaredTransition} when the table does not declare the move.
   */
  public S to(S from, E event, S to) {
    Transition<S, E> t = new Transition<>(from, event, to);
    visited.accept(t);
    if (!declared.contains(t)) {
      throw new UndeclaredTransition(name, t);
    }
    return to;
  }

  /** The stages {@code from} may go to on {@code event}. */
  public Set<S> next(S from, E event) {
    Set<S> next = EnumSet.noneOf(from.getDeclaringClass());
    for (Transition<S, E> t : declared) {
      if (t.from() == from && t.event() == event) {
        next.add(t.to());
      }
    }
    return next;
  }

  /** Fills a table. */
  public static final class Builder<S extends Enum<S>, E extends Enum<E>> {
    private final String name;
    private final Set<Transition<S, E>> declared = new LinkedHashSet<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Declares {@code from} -{@code event}-> each of {@code to}. */
    @SafeVarargs
    public final Builder<S, E> on(S from, E event, S... to) {
      for (S s : to) {
        declared.add(new Transition<>(from, event, s));
      }
      return this;
    }

    public Transitions<S, E> build() {
      return new Transitions<>(name, declared);
    }
  }
}
