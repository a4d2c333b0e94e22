package dev.amble.ansible;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of an Ansible program. Host names, vars and options are never among {@code args}: they
 * travel in files (a limit file, an extra-vars file) that the args name.
 *
 * @param program {@code ansible-playbook}, {@code ansible-inventory}, ...
 * @param environment variables amble sets on top of the ones passed through from the worker
 * @param log where stdout and stderr go
 * @param events where amble's callback plugin writes its JSON lines, if it is enabled
 */
public record AnsibleCommand(
    String program,
    List<String> args,
    Path workingDirectory,
    Map<String, String> environment,
    Path log,
    Optional<Path> events,
    Duration timeout) {

  /** This run with {@code env} as its environment. */
  AnsibleCommand withEnvironment(Map<String, String> env) {
    return new AnsibleCommand(program, args, workingDirectory, env, log, events, timeout);
  }
}
