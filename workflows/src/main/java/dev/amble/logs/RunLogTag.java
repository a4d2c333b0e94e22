package dev.amble.logs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The tag in the name of one Ansible run's log, {@code STAMP-TAG-STEP.log}: which step of which
 * walk (its host workflow's ID and run, the step's activity ID) and which attempt of it, e.g.
 * {@code 3f9c2b1d0a-a2}. The worker writing the log and {@code amble logs} reading it each work it
 * out from what they know (the activity's info; the walk's history), so a running step's log is
 * found by its name, never by when it began.
 */
public final class RunLogTag {
  private static final Pattern FORM = Pattern.compile("[0-9a-f]{10}-a[0-9]{1,9}");

  private RunLogTag() {}

  /** The tag of attempt {@code attempt} of activity {@code activityId} of a walk's run. */
  public static String of(String workflowId, String runId, String activityId, int attempt) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (workflowId + "\n" + runId + "\n" + activityId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5) + "-a" + Math.max(1, attempt);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Whether {@code tag} has a tag's form (and so can be looked for in file names as it is). */
  public static boolean valid(String tag) {
    return FORM.matcher(tag).matches();
  }

  /** Whether {@code fileName} is the log of the run tagged {@code tag}. */
  public static boolean names(String fileName, String tag) {
    return valid(tag) && fileName.endsWith(".log") && fileName.contains("-" + tag + "-");
  }
}
