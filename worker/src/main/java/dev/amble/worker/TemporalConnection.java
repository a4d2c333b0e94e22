package dev.amble.worker;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.codec.MissingKeyCodec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.authorization.AuthorizationGrpcMetadataProvider;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Where Temporal is and how to reach it, from the standard environment variables: {@code
 * TEMPORAL_ADDRESS} (default {@link LocalTemporal#DEFAULT_ADDRESS}), {@code TEMPORAL_NAMESPACE}
 * (default {@code default}), and for TLS or Temporal Cloud {@code TEMPORAL_TLS}, {@code
 * TEMPORAL_TLS_CLIENT_CERT_PATH}, {@code TEMPORAL_TLS_CLIENT_KEY_PATH}, {@code
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH}, {@code TEMPORAL_API_KEY}. A client certificate without its key
 * (or the reverse) is an {@link IllegalArgumentException}, not a silent plain TLS connection.
 *
 * <p>With {@code codecKeys}, every payload its clients (and the workers on them) write is encrypted
 * ({@link EncryptionCodec}); the keys come from {@link CodecKeys#fromEnvironment}.
 */
public record TemporalConnection(
    String address,
    String namespace,
    boolean tls,
    Optional<String> clientCert,
    Optional<String> clientKey,
    Optional<String> serverCa,
    Optional<String> apiKey,
    Optional<CodecKeys> codecKeys) {

  public static final String DEFAULT_ADDRESS = LocalTemporal.DEFAULT_ADDRESS;
  public static final String DEFAULT_NAMESPACE = "default";

  public static TemporalConnection fromEnvironment(
      Map<String, String> env, Optional<String> address, Optional<String> namespace) {
    return fromEnvironment(env, address, namespace, Path.of(""));
  }

  /**
   * @param workingFolder where relative key files, and the local server's key, are found
   */
  public static TemporalConnection fromEnvironment(
      Map<String, String> env,
      Optional<String> address,
      Optional<String> namespace,
      Path workingFolder) {
    Optional<String> cert = value(env, "TEMPORAL_TLS_CLIENT_CERT_PATH");
    Optional<String> key = value(env, "TEMPORAL_TLS_CLIENT_KEY_PATH");
    Optional<String> ca = value(env, "TEMPORAL_TLS_SERVER_CA_CERT_PATH");
    Optional<String> apiKey = value(env, "TEMPORAL_API_KEY");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(
          (cert.isPresent()
                  ? "TEMPORAL_TLS_CLIENT_CERT_PATH is set without TEMPORAL_TLS_CLIENT_KEY_PATH"
                  : "TEMPORAL_TLS_CLIENT_KEY_PATH is set without TEMPORAL_TLS_CLIENT_CERT_PATH")
              + ": a client certificate (mTLS) needs both");
    }
    boolean tls =
        value(env, "TEMPORAL_TLS").map(v -> v.equals("true") || v.equals("1")).orElse(false)
            || cert.isPresent()
            || apiKey.isPresent();
    return new TemporalConnection(
        address.or(() -> value(env, "TEMPORAL_ADDRESS")).orElse(DEFAULT_ADDRESS),
        namespace.or(() -> value(env, "TEMPORAL_NAMESPACE")).orElse(DEFAULT_NAMESPACE),
        tls,
        cert,
        key,
        ca,
        apiKey,
        CodecKeys.fromEnvironment(env, workingFolder));
  }

  /** A plain connection (no TLS, no key) to a server of amble's own on this machine. */
  public static TemporalConnection plain(String address, String namespace) {
    return new TemporalConnection(
        address,
        namespace,
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * A connection with a client certificate (mTLS) to a server whose certificate {@code ca} signed:
   * to a server of amble's own run with TLS.
   */
  public static TemporalConnection mtls(
      String address, String namespace, Path clientCert, Path clientKey, Path ca) {
    return new TemporalConnection(
        address,
        namespace,
        true,
        Optional.of(clientCert.toString()),
        Optional.of(clientKey.toString()),
        Optional.of(ca.toString()),
        Optional.empty(),
        Optional.empty());
  }

  /** The same connection, its payloads encrypted with {@code keys} (none: not encrypted). */
  public TemporalConnection withCodecKeys(Optional<CodecKeys> keys) {
    return new TemporalConnection(
        address, namespace, tls, clientCert, clientKey, serverCa, apiKey, keys);
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  /** Service stubs; fails with {@link UnreachableException} if Temporal does not answer. */
  public WorkflowServiceStubs connect() {
    return connect(new NoopScope());
  }

  /**
   * Service stubs reporting Temporal's SDK metrics (and, through the workers of a client on them,
   * amble's) to {@code metrics}.
   */
  public WorkflowServiceStubs connect(Scope metrics) {
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(address)
            .setRpcTimeout(Duration.ofSeconds(10))
            .setMetricsScope(metrics);
    if (tls) {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (clientCert.isPresent() && clientKey.isPresent()) {
          ssl.keyManager(new File(clientCert.get()), new File(clientKey.get()));
        }
        serverCa.ifPresent(ca -> ssl.trustManager(new File(ca)));
        SslContext context = ssl.build();
        options.setSslContext(context);
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("TLS settings for Temporal: " + e.getMessage(), e);
      }
    }
    apiKey.ifPresent(
        key ->
            options.addGrpcMetadataProvider(
                new AuthorizationGrpcMetadataProvider(() -> "Bearer " + key)));
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(options.build());
    requireReachable(stubs);
    return stubs;
  }

  /**
   * A client whose payloads are encrypted with the connection's keys; without keys, payloads are
   * written in the clear and an encrypted one read fails naming the key it needs ({@link
   * MissingKeyCodec}).
   */
  public WorkflowClient client(WorkflowServiceStubs stubs) {
    WorkflowClientOptions.Builder options =
        WorkflowClientOptions.newBuilder().setNamespace(namespace);
    options.setDataConverter(
        codecKeys.map(EncryptionCodec::dataConverter).orElseGet(MissingKeyCodec::dataConverter));
    return WorkflowClient.newInstance(stubs, options.build());
  }

  /** Where and how, never the API key itself (only whether one is set) nor any payload key. */
  @Override
  public String toString() {
    return "TemporalConnection[address="
        + address
        + ", namespace="
        + namespace
        + ", tls="
        + tls
        + ", clientCert="
        + clientCert.orElse("none")
        + ", clientKey="
        + clientKey.orElse("none")
        + ", serverCa="
        + serverCa.orElse("none")
        + ", apiKey="
        + (apiKey.isPresent() ? "(set, not shown)" : "none")
        + ", codecKeys="
        + codecKeys.map(CodecKeys::source).orElse("none")
        + "]";
  }

  private void requireReachable(WorkflowServiceStubs stubs) {
    try {
      stubs
          .blockingStub()
          .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE
          || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        stubs.shutdownNow();
        Optional<String> tlsProblem = tlsProblem(e);
        if (tlsProblem.isPresent()) {
          throw new UnreachableException(
              "Temporal at " + address + " refused the connection: " + tlsProblem.get());
        }
        throw new UnreachableException(this, e.getStatus().getDescription());
      }
      throw e;
    }
  }

  /**
   * What to fix when a connection failed for TLS: a server certificate this client does not trust,
   * a client certificate the server wants or refuses, TLS on one side only. Empty: no sign of TLS
   * (the server does not run, for instance).
   */
  Optional<String> tlsProblem(StatusRuntimeException e) {
    String causes = causes(e);
    String lower = causes.toLowerCase(java.util.Locale.ROOT);
    if (!tls) {
      // The server took the connection and closed it without a word: what a TLS server does to
      // a client that speaks plain HTTP/2.
      if (!lower.contains("connection refused")
          && (lower.contains("network closed")
              || lower.contains("connection reset")
              || lower.contains("first received frame was not settings")
              || lower.contains("unexpected eof"))) {
        return Optional.of(
            "it closed a plain-text connection, so it probably requires TLS: set TEMPORAL_TLS=true"
                + " and TEMPORAL_TLS_SERVER_CA_CERT_PATH (with mTLS also"
                + " TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH; `amble server"
                + " --tls` prints them for its server)");
      }
      return Optional.empty();
    }
    if (lower.contains("notsslrecordexception") || lower.contains("not an ssl/tls record")) {
      return Optional.of(
          "it does not speak TLS: unset TEMPORAL_TLS and the TEMPORAL_TLS_* settings, or enable TLS"
              + " on the server");
    }
    if (lower.contains("pkix path") || lower.contains("unable to find valid certification")) {
      return Optional.of(
          "its certificate is not signed by a CA this client trusts: set"
              + " TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed the server's certificate"
              + serverCa.map(ca -> " (now " + ca + ")").orElse(""));
    }
    if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
      return Optional.of(
          "its certificate is not made out to " + address + ": connect to a name it lists");
    }
    // A client certificate its CA did not sign is not even sent (the server names the CAs it
    // accepts), so the server's alert is "certificate required" with or without one.
    if (lower.contains("certificate_required")
        || lower.contains("bad_certificate")
        || lower.contains("unknown_ca")
        || lower.contains("received fatal alert")) {
      return Optional.of(
          clientCert
              .map(
                  cert ->
                      "it refused the client certificate "
                          + cert
                          + ": it is not signed by a CA the server trusts (or has expired); set"
                          + " TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH to one"
                          + " the server's CA signed")
              .orElse(
                  "it requires a client certificate (mTLS): set TEMPORAL_TLS_CLIENT_CERT_PATH"
                      + " and TEMPORAL_TLS_CLIENT_KEY_PATH to one its CA signed"));
    }
    if (lower.contains("ssl") || lower.contains("handshake")) {
      return Optional.of("TLS failed: " + e.getStatus().getDescription() + " (" + causes + ")");
    }
    return Optional.empty();
  }

  private static String causes(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append("; ");
    }
    return all.toString();
  }

  /** Temporal does not answer at the address. */
  public static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean refused;

    UnreachableException(TemporalConnection c, String detail) {
      super(
          "Temporal is unreachable at "
              + c.address()
              + (detail == null ? "" : " (" + detail + ")"));
      this.refused = false;
    }

    UnreachableException(String message) {
      super(message);
      this.refused = true;
    }

    /** Temporal answers, but refused the connection's TLS; the message says what to fix. */
    public boolean refused() {
      return refused;
    }
  }
}
