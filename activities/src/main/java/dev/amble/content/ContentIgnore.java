package dev.amble.content;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the pack leaves out of the Amblefile's folder besides amble's own files: what git ignores
 * there (when the folder is in a git checkout and git answers), and what the folder's {@code
 * .ambleignore} names.
 *
 * <p>{@code .ambleignore} takes the common part of gitignore's syntax, with paths from the
 * Amblefile's folder: blank lines and {@code #} comments, {@code !} to take back a name an earlier
 * line left out, a trailing {@code /} for folders only, a {@code /} at the start or in the middle
 * to anchor a pattern at the folder (otherwise it matches a name at any depth), {@code *}, {@code
 * ?}, {@code [abc]}/{@code [a-z]}/{@code [!a]}, and {@code **} for any number of folders; the last
 * line that matches wins. Not taken: {@code \} escapes other than a leading {@code \#} or {@code
 * \!}, and {@code .ambleignore} files in subfolders. As in git, a file inside a folder that is left
 * out cannot be taken back.
 */
final class ContentIgnore {
  static final String FILE = ".ambleignore";

  private record Rule(Pattern pattern, boolean negated, boolean foldersOnly) {}

  private final List<Rule> rules;
  private final Set<String> byGit;
  private final Optional<String> note;

  private ContentIgnore(List<Rule> rules, Set<String> byGit, Optional<String> note) {
    this.rules = rules;
    this.byGit = byGit;
    this.note = note;
  }

  /** The rules of {@code root} (a real path): its {@code .ambleignore}, and git's answer. */
  static ContentIgnore of(Path root) {
    List<Rule> rules = new ArrayList<>();
    Path file = root.resolve(FILE);
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          rule(line).ifPresent(rules::add);
        }
      } catch (IOException e) {
        throw new ContentException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    Optional<String> ignored =
        ContentArchive.git(
            root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory");
    Set<String> byGit = new HashSet<>();
    ignored.ifPresent(
        out -> {
          for (String path : out.split("\0")) {
            if (!path.isEmpty()) {
              byGit.add(path);
            }
          }
        });
    Optional<String> note =
        ignored.isEmpty() && Files.exists(root.resolve(".gitignore"))
            ? Optional.of(
                ".gitignore: not applied (git did not answer: not installed, or the folder is not"
                    + " a checkout it trusts); name what must not travel in "
                    + FILE)
            : Optional.empty();
    return new ContentIgnore(List.copyOf(rules), byGit, note);
  }

  /** Why {@code path} (from the folder, {@code /} between names) stays out; empty: it travels. */
  Optional<String> why(String path, boolean folder) {
    if (byGit.contains(folder ? path + "/" : path)) {
      return Optional.of("git ignores it");
    }
    return ignoredByRules(path, folder) ? Optional.of("in " + FILE) : Optional.empty();
  }

  /** What the operator should know about the rules themselves (git did not answer). */
  Optional<String> note() {
    return note;
  }

  private boolean ignoredByRules(String path, boolean folder) {
    boolean ignored = false;
    for (Rule rule : rules) {
      if ((!rule.foldersOnly() || folder) && rule.pattern().matcher(path).matches()) {
        ignored = !rule.negated();
      }
    }
    return ignored;
  }

  private static Optional<Rule> rule(String line) {
    String text = line.stripTrailing();
    if (text.isEmpty() || text.startsWith("#")) {
      return Optional.empty();
    }
    boolean negated = text.startsWith("!");
    if (negated) {
      text = text.substring(1);
    } else if (text.startsWith("\\#") || text.startsWith("\\!")) {
      text = text.substring(1);
    }
    boolean foldersOnly = text.endsWith("/");
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      return Optional.empty();
    }
    boolean anchored = text.contains("/");
    if (text.startsWith("/")) {
      text = text.substring(1);
    }
    String regex = (anchored ? "" : "(?:.*/)?") + glob(text);
    return Optional.of(new Rule(Pattern.compile(regex, Pattern.DOTALL), negated, foldersOnly));
  }

  /** A gitignore glob as a regular expression over a whole path. */
  private static String glob(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (glob.startsWith("**/", i) && (i == 0 || glob.charAt(i - 1) == '/')) {
        re.append("(?:.*/)?");
        i += 3;
      } else if (glob.startsWith("**", i)
          && i + 2 == glob.length()
          && (i == 0 || glob.charAt(i - 1) == '/')) {
        re.append(".*");
        i += 2;
      } else if (c == '*') {
        re.append("[^/]*");
        i++;
      } else if (c == '?') {
        re.append("[^/]");
        i++;
      } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
        int end = glob.indexOf(']', i + 2);
        String inside = glob.substring(i + 1, end);
        if (inside.startsWith("!") || inside.startsWith("^")) {
          inside = "^" + inside.substring(1);
        }
        re.append('[').append(inside.replace("\\", "\\\\").replace("[", "\\[")).append(']');
        i = end + 1;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return re.toString();
  }
}
