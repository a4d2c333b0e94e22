package dev.amble.ansible;

/** Ansible could not be run, or gave output amble cannot read: a fault on the worker's side. */
public final class AnsibleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AnsibleException(String message) {
    super(message);
  }

  public AnsibleException(String message, Throwable cause) {
    super(message, cause);
  }
}
