package dev.amble.precondition;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What a precondition's syntax tree reads: its {@code &&} parts, options, and data paths. */
final class AstPaths {
  private AstPaths() {}

  /** {@code a && b && c} as [a, b, c]; anything else as itself. */
  static List<CelExpr> conjuncts(CelExpr expr) {
    List<CelExpr> parts = new ArrayList<>();
    collectConjuncts(expr, parts);
    return parts;
  }

  private static void collectConjuncts(CelExpr expr, List<CelExpr> parts) {
    if (expr.getKind() == CelExpr.ExprKind.Kind.CALL
        && expr.call().function().equals("_&&_")
        && expr.call().target().isEmpty()) {
      expr.call().args().forEach(arg -> collectConjuncts(arg, parts));
    } else {
      parts.add(expr);
    }
  }

  /** The names N of every {@code options.N} and {@code options["N"]} in the expression. */
  static Set<String> optionNames(CelExpr expr) {
    Set<String> names = new TreeSet<>();
    for (List<String> path : dataPaths(expr)) {
      if (path.size() > 1 && path.get(0).equals("options")) {
        names.add(path.get(1));
      }
    }
    return names;
  }

  /**
   * The first data path the expression reads (like {@code facts.ansible_local.amble_state}) that
   * the given data does not have, written as it would be in a precondition.
   */
  static Optional<String> firstMissing(CelExpr expr, Map<String, Object> activation) {
    for (List<String> path : dataPaths(expr)) {
      Object at = activation.get(path.get(0));
      StringBuilder shown = new StringBuilder(path.get(0));
      for (String key : path.subList(1, path.size())) {
        shown.append(key.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + key : "[\"" + key + "\"]");
        if (!(at instanceof Map<?, ?> map) || !map.containsKey(key)) {
          return Optional.of(shown.toString());
        }
        at = map.get(key);
      }
    }
    return Optional.empty();
  }

  /** Every chain of field selections rooted at facts, vars or options, in source order. */
  static List<List<String>> dataPaths(CelExpr expr) {
    List<List<String>> paths = new ArrayList<>();
    walk(expr, paths);
    return paths;
  }

  private static void walk(CelExpr expr, List<List<String>> paths) {
    Optional<List<String>> path = path(expr);
    if (path.isPresent()) {
      paths.add(path.get());
      return;
    }
    switch (expr.getKind()) {
      case SELECT -> {
        if (!expr.select().testOnly()) {
          walk(expr.select().operand(), paths);
        }
      }
      case CALL -> {
        expr.call().target().ifPresent(t -> walk(t, paths));
        expr.call().args().forEach(a -> walk(a, paths));
      }
      case LIST -> expr.list().elements().forEach(e -> walk(e, paths));
      case MAP ->
          expr.map()
              .entries()
              .forEach(
                  e -> {
                    walk(e.key(), paths);
                    walk(e.value(), paths);
                  });
      case STRUCT -> expr.struct().entries().forEach(e -> walk(e.value(), paths));
      case COMPREHENSION -> {
        walk(expr.comprehension().iterRange(), paths);
        walk(expr.comprehension().loopStep(), paths);
        walk(expr.comprehension().result(), paths);
      }
      default -> {}
    }
  }

  /** The expression as a data path, when it is one: {@code facts.a.b} or {@code vars["x"]}. */
  private static Optional<List<String>> path(CelExpr expr) {
    Deque<String> keys = new java.util.ArrayDeque<>();
    CelExpr at = expr;
    while (true) {
      switch (at.getKind()) {
        case SELECT -> {
          if (at.select().testOnly()) {
            return Optional.empty();
          }
          keys.addFirst(at.select().field());
          at = at.select().operand();
        }
        case CALL -> {
          if (!at.call().function().equals("_[_]") || at.call().args().size() != 2) {
            return Optional.empty();
          }
          CelExpr index = at.call().args().get(1);
          if (index.getKind() != CelExpr.ExprKind.Kind.CONSTANT
              || index.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return Optional.empty();
          }
          keys.addFirst(index.constant().stringValue());
          at = at.call().args().get(0);
        }
        case IDENT -> {
          String root = at.ident().name();
          if (keys.isEmpty() || !Precondition.VARIABLES.contains(root)) {
            return Optional.empty();
          }
          keys.addFirst(root);
          return Optional.of(List.copyOf(keys));
        }
        default -> {
          return Optional.empty();
        }
      }
    }
  }
}
