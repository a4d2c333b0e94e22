package dev.amble.amblefile;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.Locale;

/**
 * A health check: a probe that must pass around hosts and waves, or every interval while a rollout
 * runs. Either an HTTP probe from the worker, or Ansible tasks run against a named host group (the
 * load balancers, the monitoring host). When it fails, {@link #onFailure} decides.
 */
public record HealthCheck(
    String name, @JsonAlias("check") Probe probe, OnFailure onFailure, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** What a failing health check does to the rollout. */
  public enum OnFailure {
    /** Record the failure and go on. */
    CONTINUE,
    /** Catch the rollout: no new host starts until it is released. */
    CATCH,
    /** End the rollout: no new host starts, the hosts in flight finish, and it ends aborted. */
    ABORT;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Probe.Http.class, name = "http"),
    @JsonSubTypes.Type(value = Probe.Tasks.class, name = "tasks")
  })
  public sealed interface Probe {
    /**
     * GET {@code url} from the worker; passes on {@code expectStatus}. The url may name {@code
     * {host}} (the host being walked, for host checks), {@code {workspace}} and {@code {wave}}.
     */
    record Http(String url, int expectStatus) implements Probe {}

    /**
     * Ansible tasks against the hosts of {@code hosts} (a host pattern), with the vars {@code
     * amble_host}, {@code amble_wave} and {@code amble_workspace}; passes when every host is ok.
     */
    record Tasks(String hosts, ArrayNode tasks, boolean become) implements Probe {}
  }
}
