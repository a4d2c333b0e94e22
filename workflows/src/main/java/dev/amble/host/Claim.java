package dev.amble.host;

/**
 * Taking a host for a rollout: its lock, and its remote state marked "started". Done by the first
 * Ansible run after prepare (so a host the live preconditions skip is never written to).
 *
 * @param rollout the rollout's ID, the same through continue-as-new
 * @param stompLocks take the lock even when another workspace holds it
 */
public record Claim(String workflow, String rollout, boolean stompLocks) {
  /**
   * The name of the claim's task (claim.yml), the walk's first contact with the host when it did
   * not prepare it: unreachable there, the run changed nothing.
   */
  public static final String TASK = "amble: take the lock and mark the workflow started";
}
