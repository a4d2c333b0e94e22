package dev.amble.ansible;

import dev.amble.amblefile.Definition;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import dev.cel.parser.CelStandardMacro;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The facts that planning reads: the top-level keys {@code facts.NAME} and {@code facts["NAME"]} of
 * a workspace's preconditions, and {@code ansible_local} (the hosts' remote state). A host's cached
 * facts are some 20 KB of JSON, of which a plan reads a handful of values; keeping only these makes
 * reading and converting 100,000 hosts' facts cheap. When a precondition reads {@code facts} any
 * other way (as a whole, in a macro's range, with a computed key), every fact is kept.
 */
public final class FactKeys {
  private static final CelParser PARSER =
      CelParserFactory.standardCelParserBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .build();

  private static final String FACTS = "facts";

  private FactKeys() {}

  /**
   * Whether {@code preconditions} read no fact but the local ones ({@code ansible_local}, where the
   * hosts' remote state is): then preparing a host needs no other fresh facts.
   */
  public static boolean onlyLocal(Iterable<String> preconditions) {
    return read(preconditions).map(keys -> keys.equals(Set.of("ansible_local"))).orElse(false);
  }

  /** The top-level facts the workspace's planning reads; empty when it may read any. */
  static Optional<Set<String>> of(Definition definition) {
    return read(definition.steps().stream().map(step -> step.job().preconditions()).toList());
  }

  /**
   * The top-level facts {@code preconditions} read, and {@code ansible_local}
   * (RemoteState.fromFacts: the hosts' remote state); empty when one reads {@code facts} otherwise
   * or does not parse.
   */
  private static Optional<Set<String>> read(Iterable<String> preconditions) {
    Set<String> keys = new TreeSet<>();
    keys.add("ansible_local");
    for (String source : preconditions) {
      if (!read(source, keys)) {
        return Optional.empty();
      }
    }
    return Optional.of(Set.copyOf(keys));
  }

  /**
   * Adds the top-level facts {@code source} reads to {@code keys}; false when it reads {@code
   * facts} otherwise than by a constant key, or does not parse.
   */
  static boolean read(String source, Set<String> keys) {
    CelNavigableAst ast;
    try {
      ast = CelNavigableAst.fromAst(PARSER.parse(source).getAst());
    } catch (CelValidationException | RuntimeException e) {
      return false;
    }
    return ast.getRoot()
        .allNodes()
        .filter(n -> isFacts(n.expr()))
        .allMatch(n -> n.parent().flatMap(FactKeys::key).map(keys::add).isPresent());
  }

  private static boolean isFacts(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(FACTS);
  }

  /** The key of {@code facts.KEY}, {@code has(facts.KEY)} or {@code facts["KEY"]}. */
  private static Optional<String> key(CelNavigableExpr parent) {
    CelExpr expr = parent.expr();
    switch (expr.getKind()) {
      case SELECT -> {
        return Optional.of(expr.select().field());
      }
      case CALL -> {
        var call = expr.call();
        if (call.function().equals("_[_]")
            && call.target().isEmpty()
            && call.args().size() == 2
            && isFacts(call.args().get(0))
            && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
            && call.args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
          return Optional.of(call.args().get(1).constant().stringValue());
        }
        return Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }
}
