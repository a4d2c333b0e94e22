package dev.amble.worker;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
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

  public WorkflowClient client(WorkflowServiceStubs stubs) {
    WorkflowClientOptions.Builder options =
        WorkflowClientOptions.newBuilder().setNamespace(namespace);
    codecKeys.ifPresent(keys -> options.setDataConverter(EncryptionCodec.dataConverter(keys)));
    return WorkflowClient.newInstance(stubs, options.build());
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
        throw new UnreachableException(this, e.getStatus().getDescription());
      }
      throw e;
    }
  }

  /** Temporal does not answer at the address. */
  public static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableException(TemporalConnection c, String detail) {
      super(
          "Temporal is unreachable at "
              + c.address()
              + (detail == null ? "" : " (" + detail + ")"));
    }
  }
}
