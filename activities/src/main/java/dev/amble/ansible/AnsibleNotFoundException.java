package dev.amble.ansible;

/** Ansible is not installed where amble looks for it. */
public final class AnsibleNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AnsibleNotFoundException(String message) {
    super(message);
  }
}
