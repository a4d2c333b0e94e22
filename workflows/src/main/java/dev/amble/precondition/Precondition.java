package dev.amble.precondition;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.parser.CelUnparser;
import dev.cel.parser.CelUnparserFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's preconditions: a CEL expression over {@code facts}, {@code vars} and {@code options},
 * compiled once and evaluated without I/O. A top-level chain of {@code &&} is kept as separate
 * parts so that a false precondition can name the part that is false.
 */
public final class Precondition {
  public static final List<String> VARIABLES = List.of("facts", "vars", "options");

  /**
   * CEL's compiler, runtime and unparser, built when the first precondition other than {@link
   * #ALWAYS} compiles: about 600 classes and a third of a second of CPU that a rollout whose jobs
   * all run unconditionally never needs.
   */
  private static final class Cel {
    static final CelCompiler COMPILER =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("facts", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("vars", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("options", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .setResultType(SimpleType.BOOL)
            .build();
    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    static final CelUnparser UNPARSER = CelUnparserFactory.newUnparser();

    private Cel() {}
  }

  /**
   * The preconditions of a job that names none: holds for every host, as CEL would say, without
   * CEL.
   */
  public static final String ALWAYS = "true";

  private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']*)'.*");
  private static final Pattern NOT_BOOLEAN =
      Pattern.compile("expected type 'bool' but found '(.*)'");
  private static final Pattern UNEXPECTED =
      Pattern.compile("(?:mismatched|extraneous) input '(.*)' expecting .*", Pattern.DOTALL);

  private record Part(String text, CelExpr expr, CelRuntime.Program program) {}

  private final String source;
  private final List<Part> parts;
  private final Set<String> optionNames;

  private Precondition(String source, List<Part> parts, Set<String> optionNames) {
    this.source = source;
    this.parts = parts;
    this.optionNames = optionNames;
  }

  /**
   * A job's preconditions, which the Amblefile's reader has already compiled: that they do not
   * compile now is a bug.
   */
  public static Precondition ofJob(String job, String source) {
    try {
      return compile(source);
    } catch (PreconditionException e) {
      throw new IllegalArgumentException(
          "job " + job + ": preconditions do not compile: " + e.getMessage(), e);
    }
  }

  public static Precondition compile(String source) throws PreconditionException {
    if (source.equals(ALWAYS)) {
      return new Precondition(source, List.of(), Set.of());
    }
    CelValidationResult result = Cel.COMPILER.compile(source);
    if (result.hasError()) {
      throw new PreconditionException(issues(result));
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      List<Part> parts = new ArrayList<>();
      for (CelExpr conjunct : AstPaths.conjuncts(ast.getExpr())) {
        String text =
            parts.isEmpty() && conjunct == ast.getExpr()
                ? source.strip()
                : Cel.UNPARSER.unparse(
                    CelAbstractSyntaxTree.newParsedAst(conjunct, ast.getSource()));
        CelAbstractSyntaxTree checked = Cel.COMPILER.compile(text).getAst();
        parts.add(new Part(text, checked.getExpr(), Cel.RUNTIME.createProgram(checked)));
      }
      return new Precondition(source, List.copyOf(parts), AstPaths.optionNames(ast.getExpr()));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "a compiled precondition did not compile again: " + source, e);
    }
  }

  public String source() {
    return source;
  }

  /** The names {@code options.NAME} that the expression reads. */
  public Set<String> optionNames() {
    return optionNames;
  }

  public Verdict evaluate(
      Map<String, Object> facts, Map<String, Object> vars, Map<String, Object> options) {
    Map<String, Object> activation = Map.of("facts", facts, "vars", vars, "options", options);
    for (Part part : parts) {
      Object value;
      try {
        value = part.program().eval(activation);
      } catch (CelEvaluationException e) {
        Optional<String> missing = AstPaths.firstMissing(part.expr(), activation);
        return Verdict.fails(
            missing.map(path -> path + " is not set").orElse(part.text() + ": " + e.getMessage()));
      }
      if (!Boolean.TRUE.equals(value)) {
        return Verdict.fails(part.text() + " is false");
      }
    }
    return Verdict.HOLDS;
  }

  private static List<PreconditionIssue> issues(CelValidationResult result) {
    List<PreconditionIssue> issues = new ArrayList<>();
    for (CelIssue issue : result.getAllIssues()) {
      if (issue.getSeverity() != CelIssue.Severity.ERROR) {
        continue;
      }
      issues.add(
          new PreconditionIssue(
              Math.max(1, issue.getSourceLocation().getLine()),
              Math.max(0, issue.getSourceLocation().getColumn()) + 1,
              message(issue.getMessage())));
    }
    return issues;
  }

  private static String message(String celMessage) {
    Matcher undeclared = UNDECLARED.matcher(celMessage);
    if (undeclared.matches()) {
      return "unknown name '"
          + undeclared.group(1)
          + "'; preconditions can use "
          + String.join(", ", VARIABLES);
    }
    Matcher notBoolean = NOT_BOOLEAN.matcher(celMessage);
    if (notBoolean.matches()) {
      return "a precondition must be true or false, this one gives " + notBoolean.group(1);
    }
    Matcher unexpected = UNEXPECTED.matcher(celMessage);
    if (unexpected.matches()) {
      return unexpected.group(1).equals("<EOF>")
          ? "the expression ends too early"
          : "syntax error: unexpected '" + unexpected.group(1) + "'";
    }
    return celMessage.startsWith("token recognition error at: ")
        ? "syntax error: unexpected "
            + celMessage.substring("token recognition error at: ".length())
        : celMessage;
  }

  @Override
  public String toString() {
    return source;
  }
}
