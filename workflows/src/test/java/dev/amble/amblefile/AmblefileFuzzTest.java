package dev.amble.amblefile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

/**
 * The loader under fuzzing: valid Amblefiles (the seeds), broken by one to four mutations of their
 * text (values, keys, lines, indentation, truncation) with payloads that YAML and the schema find
 * hard (wrong types, unicode, huge values, deep nesting, anchors, aliases, billion laughs, tags,
 * documents, odd durations, paths and preconditions), each keep {@link LoaderContract}: a valid
 * load or {@code FILE:LINE:COL} problems, never another exception, a hang or an exhausted heap.
 *
 * <p>The seed and the number of tries are fixed, so CI runs the same 1,000 inputs every time, in a
 * forked JVM with a 256 MB heap (the {@code fuzzed-loader} execution in this module's pom; about 30
 * s with {@link AmblefileFuzzRegressionTest} on a busy 2-CPU machine). A failing input is printed,
 * shrunk; keep it under {@code amblefiles/fuzz/found/}, which {@link AmblefileFuzzRegressionTest}
 * replays. To search further, change the seed or the tries here and run {@code ./mvnw -pl workflows
 * -am test -Dtest=AmblefileFuzzTest -Dsurefire.failIfNoSpecifiedTests=false} (with {@code -Dtest}
 * it runs in both executions).
 */
class AmblefileFuzzTest {
  static final Path SEEDS = Path.of("src/test/resources/amblefiles/fuzz/seeds");

  @Property(tries = 1000, seed = "20261129", shrinking = ShrinkingMode.BOUNDED)
  void everyMutantLoadsOrIsRefusedWithPositions(@ForAll("mutants") String text) {
    LoaderContract.check(text);
  }

  /** What a mutation does to the text; {@code where} (0 to 1) picks the line or the offset. */
  enum Kind {
    REPLACE_VALUE,
    SET_KEY,
    REPLACE_KEY,
    INSERT_LINE,
    INSERT_TEXT,
    DELETE_LINE,
    DUPLICATE_LINE,
    INDENT,
    TRUNCATE,
    DELETE_CHARS
  }

  record Mutation(Kind kind, double where, String key, String payload) {
    @Override
    public String toString() {
      return kind
          + "@"
          + String.format(java.util.Locale.ROOT, "%.3f", where)
          + (key.isEmpty() ? "" : " " + key)
          + " "
          + LoaderContract.excerpt(payload).replace("\n", "\\n");
    }

    String apply(String text) {
      List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
      int line = Math.min(lines.size() - 1, (int) (where * lines.size()));
      int offset = Math.min(text.length(), (int) (where * (text.length() + 1)));
      switch (kind) {
        case REPLACE_VALUE -> lines.set(line, withValue(lines.get(line), payload));
        case SET_KEY -> {
          List<Integer> at = new ArrayList<>();
          Pattern keyLine = Pattern.compile("^\\s*(- )?\\{?\\s*" + Pattern.quote(key) + ":");
          for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(key + ":") && keyLine.matcher(lines.get(i)).lookingAt()) {
              at.add(i);
            }
          }
          if (at.isEmpty()) {
            return text + "\n" + key + ": " + payload;
          }
          int i = at.get(Math.min(at.size() - 1, (int) (where * at.size())));
          lines.set(i, withValue(lines.get(i), payload));
        }
        case REPLACE_KEY -> {
          Matcher m = KEY_LINE.matcher(lines.get(line));
          lines.set(line, m.matches() ? m.group(1) + payload + m.group(3) : payload + ":");
        }
        case INSERT_LINE -> lines.add(line, indentOf(lines.get(line)) + payload);
        case INSERT_TEXT -> {
          return text.substring(0, offset) + payload + text.substring(offset);
        }
        case DELETE_LINE -> lines.remove(line);
        case DUPLICATE_LINE -> lines.add(line, lines.get(line));
        case INDENT -> {
          int by = payload.length() % 7 - 3;
          String l = lines.get(line);
          lines.set(
              line,
              by >= 0
                  ? " ".repeat(by) + l
                  : l.substring(Math.min(-by, indentOf(l).length())) /* dedent */);
        }
        case TRUNCATE -> {
          return text.substring(0, offset);
        }
        case DELETE_CHARS -> {
          return text.substring(0, offset)
              + text.substring(Math.min(text.length(), offset + payload.length() + 1));
        }
      }
      return String.join("\n", lines);
    }

    private static final Pattern KEY_LINE = Pattern.compile("^(\\s*(?:- )?)([^:#]+)(:.*)$");

    private static String withValue(String line, String value) {
      int colon = line.indexOf(": ");
      if (colon < 0 && line.stripTrailing().endsWith(":")) {
        return line.stripTrailing() + " " + value;
      }
      if (colon >= 0) {
        return line.substring(0, colon + 2) + value;
      }
      int dash = line.indexOf("- ");
      return dash >= 0 ? line.substring(0, dash + 2) + value : line + value;
    }

    private static String indentOf(String line) {
      int i = 0;
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      return line.substring(0, i);
    }
  }

  @Provide
  Arbitrary<String> mutants() {
    Arbitrary<Mutation> anywhere =
        Combinators.combine(
                Arbitraries.of(Kind.class).filter(k -> k != Kind.SET_KEY),
                Arbitraries.doubles().between(0, 1),
                PAYLOADS)
            .as((kind, where, payload) -> new Mutation(kind, where, "", payload));
    Arbitrary<Mutation> keyed =
        Arbitraries.of(KEYS)
            .flatMap(
                key ->
                    Combinators.combine(Arbitraries.doubles().between(0, 1), FOR_KEY.get(key))
                        .as((where, payload) -> new Mutation(Kind.SET_KEY, where, key, payload)));
    Arbitrary<List<Mutation>> mutations =
        Arbitraries.frequencyOf(Tuple.of(3, anywhere), Tuple.of(2, keyed))
            .list()
            .ofMinSize(1)
            .ofMaxSize(4);
    return Combinators.combine(Arbitraries.of(seeds()), mutations)
        .as(
            (seed, list) -> {
              String text = seed;
              for (Mutation m : list) {
                text = m.apply(text);
              }
              return text;
            });
  }

  static List<String> seeds() {
    try (Stream<Path> files = Files.list(SEEDS)) {
      List<String> seeds = new ArrayList<>();
      for (Path p : files.sorted().toList()) {
        seeds.add(Files.readString(p));
      }
      seeds.add(Files.readString(LoaderContract.FOLDER.resolve("Amblefile.yml")));
      return seeds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every key the loader knows, from its own lists (so keys added later are fuzzed too). */
  static final List<String> KEYS =
      Stream.of(
              AmblefileReader.TOP_KEYS,
              AmblefileReader.WORKSPACE_KEYS,
              AmblefileReader.WORKFLOW_KEYS,
              AmblefileReader.USE_KEYS,
              AmblefileReader.JOB_KEYS,
              StrategyReader.CHECKS_KEYS,
              StrategyReader.CONTINUOUS_KEYS,
              StrategyReader.HEALTH_CHECK_KEYS,
              NotifyReader.ENTRY_KEYS,
              NotifyReader.WEBHOOK_KEYS,
              NotifyReader.EMAIL_KEYS)
          .flatMap(List::stream)
          .distinct()
          .toList();

  private static Arbitrary<String> forKey(String key) {
    return switch (key) {
      case "preconditions" -> PRECONDITIONS;
      case "timeout", "bake_time", "pause_between_waves", "unreachable_backoff", "interval" ->
          Arbitraries.of(DURATIONS);
      case "concurrency", "unreachable_attempts", "expect_status" -> Arbitraries.of(NUMBERS);
      case "waves", "max_failures", "max_failures_per_wave" ->
          Arbitraries.oneOf(Arbitraries.of(AMOUNTS), Arbitraries.of(NUMBERS));
      case "facts" -> Arbitraries.of(FACT_STORES);
      case "inventory", "tasks_file", "playbooks", "http" -> Arbitraries.of(PATHS);
      default -> Arbitraries.of(SCALARS);
    };
  }

  static final List<String> SCALARS =
      List.of(
          "",
          "~",
          "null",
          "true",
          "no",
          "yes",
          "on",
          "\"\"",
          "''",
          "\" \"",
          "x",
          "{}",
          "[]",
          "[x]",
          "{a: 1}",
          "[[]]",
          "- x",
          "a: b",
          "\"a\\nb\"",
          "\"\\t\"",
          "\"\\0\"",
          "\"a\\u0000b\"",
          "\"\\x85\\u2028\\u2029\"",
          "'it''s'",
          "|\n  line\n  line",
          ">-\n  folded",
          "|",
          "|+\n\n",
          "# comment",
          "@reserved",
          "`reserved",
          "%",
          "? complex key\n: value",
          "? [a, b]\n: c");

  static final List<String> NUMBERS =
      List.of(
          "0",
          "-1",
          "1",
          "1000",
          "1001",
          "1000000",
          "2147483647",
          "2147483648",
          "-2147483649",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999999999999999999999",
          "0x7fffffffffffffffffff",
          "0o777",
          "0b1010",
          "0777",
          "1_000",
          "+12",
          "-0",
          "1.5",
          "1e3",
          "1e309",
          "-1e309",
          "4.9e-325",
          ".nan",
          ".inf",
          "-.inf",
          "12:30:00",
          "2026-11-29",
          "2026-11-29T01:00:00Z");

  static final List<String> DURATIONS =
      List.of(
          "0s",
          "1s",
          "90s",
          "1h30m",
          "1d",
          "2h2h",
          "-1s",
          "1.5h",
          "1w",
          "s",
          "9223372036854775807s",
          "9223372036854775808s",
          "153722867280912930m",
          "2562047788015216h",
          "106751991167301d",
          "9999999999999999999d",
          "99999999999999d99999999999999d",
          "106751991167300d106751991167300d",
          "1" + "0".repeat(100) + "s",
          "1s".repeat(10_000));

  static final List<String> AMOUNTS =
      List.of(
          "\"0%\"",
          "\"100%\"",
          "\"101%\"",
          "\"999%\"",
          "\"1000%\"",
          "\"-1%\"",
          "\"%\"",
          "\"5 %\"",
          "\"1.5%\"",
          "[1, \"10%\"]",
          "[0]",
          "[]",
          "[[1]]",
          "[9999999999999999999]",
          "[-9223372036854775808]",
          "[2147483648]",
          "[1000001]",
          "[{a: 1}]");

  static final List<String> FACT_STORES =
      List.of(
          "jsonfile",
          "redis://",
          "redis://h",
          "redis://h:0",
          "redis://h:65536",
          "redis://h:99999/1",
          "redis://h:6379/9999999999",
          "redis://h:6379/999999999",
          "redis://[::1]:6379",
          "redis://user:secret@h",
          "redis://h?x#y",
          "rediss://h",
          "redis://-h-",
          "redis://" + "h".repeat(100_000));

  static final List<String> PATHS =
      List.of(
          "inventory.yml",
          "dist_upgrade/main.yml",
          "dist_upgrade",
          "/",
          ".",
          "..",
          "../../../../../../etc/passwd",
          "/dev/null",
          "/proc/self/fd/0",
          "\"a\\0b\"",
          "\"\\0\"",
          "\"a\\u0000\"",
          "a,b",
          ",",
          "~/x",
          "C:\\\\x",
          "\"" + "a/".repeat(5_000) + "\"",
          "x".repeat(300),
          "http://",
          "https://{host}:99999999999/",
          "[inventory.yml, \"\\0\"]",
          "[\"\\0\"]",
          "[/dev/null, /]");

  static final List<String> UNICODE =
      List.of(
          "é",
          "日本語",
          "🚀",
          "\"\\U0001F680\"",
          "\u202eevil",
          "\ufeff",
          "\"\\ufeff\"",
          "\u0085",
          "\u2028",
          "\"\\ud800\"",
          "\"\\udc00x\"",
          "\ud800",
          "\u0000",
          "\u0007",
          "\u001b[31m",
          "\r",
          "\r\n",
          "\t",
          "Ａ",
          "ǅ",
          "\"" + "🚀".repeat(10_000) + "\"");

  static final List<String> YAML =
      List.of(
          "&a x",
          "*a",
          "*undefined",
          "&a [*a]",
          "&a {b: *a}",
          "[&x 1, *x]",
          "{<<: {a: 1}}",
          "{<<: *a}",
          "<<: *a",
          "&a &b x",
          "!!binary aGVsbG8=",
          "!!python/object/apply:os.system [\"true\"]",
          "!!java.net.URL [\"http://x\"]",
          "!!str 12",
          "!!int x",
          "!!int 12",
          "!!float x",
          "!!bool maybe",
          "!!null x",
          "!!map []",
          "!!seq {}",
          "!!set {a, b}",
          "!!omap [a: 1]",
          "!!timestamp 2001-12-14",
          "!custom x",
          "!<tag:yaml.org,2002:int> 12",
          "!<!> x",
          "!",
          "---",
          "...",
          "--- x\n--- y",
          "%YAML 1.2\n---",
          "%YAML 9.9\n---",
          "%TAG ! tag:example.com,2000:\n---",
          "{a: 1, a: 2}",
          "{? a}",
          "[a, ]",
          "[, a]",
          "{a: [}",
          "\"unterminated",
          "'unterminated",
          "[unterminated",
          "{unterminated",
          "a:\n\tb: 1",
          "  - x\n - y",
          "? ",
          ": ",
          "- - - -");

  /** Values too big for an honest file. */
  enum Huge {
    LONG_STRING,
    LONG_QUOTED,
    LONG_NUMBER,
    LONG_FLOAT,
    LONG_KEY,
    MANY_ITEMS,
    MANY_KEYS,
    MANY_LINES,
    LONG_ALIAS,
    LONG_TAG,
    BILLION_LAUGHS,
    WIDE_LAUGHS;

    /** Built when chosen, not kept: a few MB each. */
    String text() {
      return switch (this) {
        case LONG_STRING -> "x".repeat(300_000);
        case LONG_QUOTED -> "\"" + "é".repeat(150_000) + "\"";
        case LONG_NUMBER -> "9".repeat(50_000);
        case LONG_FLOAT -> "1." + "1".repeat(50_000) + "e99999";
        case LONG_KEY -> "{" + "k".repeat(200_000) + ": 1}";
        case MANY_ITEMS -> "[" + "1,".repeat(50_000) + "1]";
        case MANY_KEYS -> manyKeys(20_000);
        case MANY_LINES -> "|\n" + "  line\n".repeat(50_000);
        case LONG_ALIAS -> "*" + "a".repeat(100_000);
        case LONG_TAG -> "!" + "t".repeat(100_000) + " x";
        case BILLION_LAUGHS -> billionLaughs();
        case WIDE_LAUGHS -> laughs(4, 100);
      };
    }
  }

  private static String manyKeys(int n) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      out.append("k").append(i).append(": ").append(i).append(", ");
    }
    return out.append("end: 0}").toString();
  }

  /** The classic: nine levels of nine aliases of the level below, a billion "lol"s expanded. */
  static String billionLaughs() {
    return laughs(9, 9);
  }

  static String laughs(int levels, int width) {
    StringBuilder out = new StringBuilder("[&l0 [lol");
    out.append(", lol".repeat(width - 1)).append("]");
    for (int level = 1; level < levels; level++) {
      out.append(", &l").append(level).append(" [*l").append(level - 1);
      out.append((", *l" + (level - 1)).repeat(width - 1)).append("]");
    }
    return out.append(", *l").append(levels - 1).append("]").toString();
  }

  /** Nesting, at depths from plausible to absurd. */
  static Arbitrary<String> deep() {
    return Combinators.combine(
            Arbitraries.of(3, 49, 50, 51, 200, 1_000, 5_000, 100_000),
            Arbitraries.integers().between(0, 5))
        .as(
            (depth, shape) ->
                switch (shape) {
                  case 0 -> "[".repeat(depth) + "]".repeat(depth);
                  case 1 -> "{a: ".repeat(depth) + "1" + "}".repeat(depth);
                  case 2 -> "[".repeat(depth);
                  case 3 -> blockNesting(Math.min(depth, 2_000));
                  case 4 -> "[{a: ".repeat(depth) + "1" + "}]".repeat(depth);
                  default -> "- ".repeat(Math.min(depth, 2_000)) + "x";
                });
  }

  private static String blockNesting(int depth) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      out.append('\n').append(" ".repeat(i + 4)).append("k").append(i).append(':');
    }
    return out.append(" x").toString();
  }

  // Last: the arbitraries below are built of the lists above.
  static final Arbitrary<String> PRECONDITIONS = preconditions();

  static final Arbitrary<String> PAYLOADS =
      Arbitraries.frequencyOf(
          Tuple.of(6, Arbitraries.of(SCALARS)),
          Tuple.of(3, Arbitraries.of(NUMBERS)),
          Tuple.of(
              4, Arbitraries.strings().withChars(":-[]{},#&*!|>'\"%@`?~\\ \t\n").ofMaxLength(8)),
          Tuple.of(3, Arbitraries.strings().all().ofMaxLength(10)),
          Tuple.of(3, Arbitraries.of(UNICODE)),
          Tuple.of(3, Arbitraries.of(YAML)),
          Tuple.of(1, Arbitraries.of(Huge.class).map(Huge::text)),
          Tuple.of(2, deep()),
          Tuple.of(1, PRECONDITIONS));

  /**
   * Built once: jqwik builds a generator for each arbitrary it meets, and flatMap meets the one of
   * the key it chose at every try.
   */
  private static final java.util.Map<String, Arbitrary<String>> FOR_KEY =
      KEYS.stream()
          .collect(
              java.util.stream.Collectors.toMap(
                  k -> k,
                  k ->
                      Arbitraries.frequencyOf(
                          Tuple.of(3, forKey(k)), Tuple.of(2, AmblefileFuzzTest.PAYLOADS))));

  /** Preconditions (CEL) that its parser and checker find hard. */
  static Arbitrary<String> preconditions() {
    return Arbitraries.of(
        "true",
        "false",
        "1",
        "\"\"",
        "\"(\"",
        "\"" + "(".repeat(100) + "true" + ")".repeat(100) + "\"",
        "\"" + "(".repeat(10_000) + "true" + ")".repeat(10_000) + "\"",
        "\"" + "!".repeat(10_000) + "true\"",
        "\"" + "true && ".repeat(10_000) + "true\"",
        "\"" + "[".repeat(5_000) + "\"",
        "\"facts" + ".a".repeat(10_000) + " == 1\"",
        "\"options." + "o".repeat(100_000) + " == 1\"",
        "\"1 / 0 == 1\"",
        "\"'\\\\u0000' == facts.x\"",
        "\"'\\\\ud800' == facts.x\"",
        "\"b'\\\\xff' == facts.x\"",
        "\"facts.x ==\"",
        "\"options.x > 1 &&\\n options.\"",
        "\"options[\\\"x\\\"] == 1\"",
        "\"has(options.x)\"",
        "\"size(options) > 1\"",
        "\"options.target_version == 12\"",
        "\"vars.🚀 == 1\"",
        "\"facts.x.matches('(a+)+$')\"",
        "\"[1,2,3].all(x, [1,2,3].all(y, [1,2,3].all(z, true)))\"",
        "\"" + "\\n".repeat(1_000) + "x\"",
        "\"\\t\\r\\n\"",
        ">\n  multi\n  line ==",
        "|\n  options.a\n    == 1 &&");
  }
}
