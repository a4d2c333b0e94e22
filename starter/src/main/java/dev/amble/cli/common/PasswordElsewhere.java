package dev.amble.cli.common;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * A password given to a command whose Ansible runs in a worker elsewhere (run and check without
 * --embedded): an option that gives it is refused, naming the option; the variable, likely exported
 * for a worker started from the same shell, is ignored with a note.
 */
final class PasswordElsewhere {
  private PasswordElsewhere() {}

  /**
   * @param given the option that gave the password, if one did
   * @param variable the environment variable the password may come from
   * @param elsewhere where the password goes instead, for the operator
   */
  static void refuse(
      Optional<String> given,
      String variable,
      String elsewhere,
      Map<String, String> env,
      PrintWriter err) {
    if (given.isPresent()) {
      throw Exit.badInput("amble: " + given.get() + ": " + elsewhere + ".");
    }
    if (env.containsKey(variable)) {
      err.printf("amble: %s is set and ignored: %s.%n", variable, elsewhere);
      err.flush();
    }
  }
}
