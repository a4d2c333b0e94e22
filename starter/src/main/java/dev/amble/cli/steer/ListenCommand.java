package dev.amble.cli.steer;

import dev.amble.amblefile.Definition;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.HostPort;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.cli.start.RolloutContent;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import dev.amble.listen.AmqpListener;
import dev.amble.listen.Grant;
import dev.amble.listen.HttpListener;
import dev.amble.listen.ListenToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble listen}: start and steer rollouts from RabbitMQ messages and HTTP requests. */
@Command(
    header = "Starts and steers rollouts on messages: a RabbitMQ queue, an HTTP endpoint.",
    name = "listen",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Consumes the durable RabbitMQ queue --queue (AMQP 0-9-1; the URL from --amqp-url-file or"
          + " $AMBLE_AMQP_URL) and/or serves POST http://ADDRESS/events with a bearer token (from"
          + " --token-file or $AMBLE_LISTEN_TOKEN). Each message (JSON, see the README) runs a"
          + " workspace with content kept in Temporal, or catches, releases or cancels its rollout.",
      "",
      "A run message starts one launcher, workflow ID amble/@event/PROJECT/WORKSPACE/MESSAGE-ID,"
          + " which starts the rollout as a schedule does (windows, waves, budgets and checks apply;"
          + " a running rollout of the workspace is a skip). The same ID again is a duplicate for as"
          + " long as the namespace keeps closed workflows (its retention): acked, nothing started."
          + " A message is acked only once Temporal accepted it; a refused one goes to QUEUE.dead"
          + " with the reason in its header x-amble-reason, then is acked.",
      "",
      "--put-content keeps the Amblefile's folder in Temporal, prints its digest (what a run"
          + " message names) and ends.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 stopped (SIGTERM, Ctrl-C) or content kept; 2 bad input (no queue and no"
          + " endpoint, an unreadable URL or token file); 3 Temporal or RabbitMQ unreachable.",
      ""
    })
public final class ListenCommand implements Callable<Integer> {
  static final String AMQP_URL_VARIABLE = "AMBLE_AMQP_URL";
  static final String TOKEN_VARIABLE = "AMBLE_LISTEN_TOKEN";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin TemporalOptions temporal;
  @Mixin WorkspaceOption workspace;

  @Option(
      names = "--amqp-url-file",
      paramLabel = "FILE",
      description =
          "A file holding the AMQP URL amqp://USER:PASSWORD@HOST:PORT/VHOST. Default: $"
              + AMQP_URL_VARIABLE
              + "; neither: no queue is consumed.")
  Path amqpUrlFile;

  @Option(
      names = "--queue",
      paramLabel = "NAME",
      description = "The queue to consume (declared durable, with NAME.dead). Default: amble.")
  String queue = "amble";

  @Option(
      names = "--amqp-ca-file",
      paramLabel = "FILE",
      description =
          "For amqps:// URLs: the CA certificates (PEM) the broker's certificate must chain to,"
              + " instead of the JVM's trust store. The host name is checked either way.")
  Path amqpCaFile;

  @Option(
      names = "--queue-actions",
      paramLabel = "ACTION",
      split = ",",
      description =
          "What messages on the queue may do: run, catch, release, cancel. Default: all four.")
  List<String> queueActions = List.of("run", "catch", "release", "cancel");

  @Option(
      names = "--queue-workspaces",
      paramLabel = "NAME",
      split = ",",
      description =
          "The workspaces messages on the queue may act on: NAME (of any project),"
              + " PROJECT/NAME, or * for every one. Default: *.")
  List<String> queueWorkspaces = List.of("*");

  @Option(
      names = "--queue-overrides",
      paramLabel = "KEY",
      split = ",",
      description =
          "The options messages on the queue may set (max_failures, waves, concurrency, ...,"
              + " skip_failed), all, or none. Default: none (seed only): the Amblefile's strategy"
              + " holds.")
  List<String> queueOverrides = List.of("none");

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding the HTTP endpoint's bearer token: the bare token (every action on every"
              + " workspace, no override), or YAML with token:, actions:, workspaces: and"
              + " overrides: (see the README). Default: $"
              + TOKEN_VARIABLE
              + " (a bare token); neither: no endpoint is served.")
  Path tokenFile;

  @Option(
      names = "--http-address",
      paramLabel = "HOST:PORT",
      description = "Where the HTTP endpoint listens. Default: 127.0.0.1:8235.")
  String httpAddress = "127.0.0.1:8235";

  @Option(
      names = "--put-content",
      description =
          "Keep the Amblefile's folder (of -w's workspace) in Temporal, print its digest, end.")
  boolean putContent;

  @Override
  public Integer call() throws Exception {
    Invocation amble = Invocation.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (putContent) {
      return putContent(amble, out);
    }
    Optional<String> url = secret(amble, amqpUrlFile, AMQP_URL_VARIABLE, "--amqp-url-file");
    Optional<ListenToken> token = token(amble);
    Grant queueGrant;
    try {
      queueGrant =
          new Grant(
              Grant.actions(queueActions),
              Set.copyOf(queueWorkspaces),
              Grant.overrides(queueOverrides));
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: --queue-" + e.getMessage());
    }
    Optional<Path> caFile = Optional.ofNullable(amqpCaFile).map(f -> amble.cwd().resolve(f));
    if (url.isEmpty() && token.isEmpty()) {
      throw Exit.badInput(
          "amble: nothing to listen to: give --amqp-url-file (or $"
              + AMQP_URL_VARIABLE
              + ") for a queue, --token-file (or $"
              + TOKEN_VARIABLE
              + ") for the HTTP endpoint, or both.");
    }
    InetSocketAddress http = address(httpAddress);
    if (!queue.matches("[A-Za-z0-9._:-]{1,200}")) {
      throw Exit.badInput("amble: --queue " + queue + ": letters, digits and ._:- only.");
    }
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      ListenSteering steering =
          new ListenSteering(session, ListenSteering.contents(session, amble.env()), amble.env());
      Optional<AmqpListener> amqp = Optional.empty();
      Optional<HttpListener> endpoint = Optional.empty();
      CountDownLatch stop = new CountDownLatch(1);
      Thread hook = new Thread(stop::countDown, "amble-listen-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        if (url.isPresent()) {
          try {
            amqp =
                Optional.of(
                    AmqpListener.start(url.get(), caFile, queue, queueGrant, steering, err));
          } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw Exit.badInput(
                "amble: the AMQP URL is not amqp[s]://USER:PASSWORD@HOST:PORT/VHOST"
                    + (caFile.isPresent() ? " (--amqp-ca-file is for amqps:// only)" : "")
                    + ".");
          } catch (java.security.GeneralSecurityException e) {
            throw Exit.badInput("amble: --amqp-ca-file " + amqpCaFile + ": " + e.getMessage());
          } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new Exit(
                ExitCode.NO_TEMPORAL,
                "amble: RabbitMQ: cannot consume "
                    + queue
                    + ": "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
          }
          out.printf(
              "Listening on queue %s (refused messages go to %s).%n",
              queue, AmqpListener.deadQueue(queue));
        }
        if (token.isPresent()) {
          HttpListener h = HttpListener.start(http, token.get(), steering, err);
          endpoint = Optional.of(h);
          out.printf(
              "Listening on http://%s:%d%s (bearer token).%n",
              h.address().getHostString(), h.address().getPort(), HttpListener.PATH);
        }
        out.flush();
        stop.await();
      } finally {
        if (endpoint.isPresent()) {
          endpoint.get().close();
        }
        if (amqp.isPresent()) {
          amqp.get().close();
        }
      }
      return ExitCode.OK;
    }
  }

  private int putContent(Invocation amble, PrintWriter out) {
    String ws = amble.workspace(workspace.get());
    Definition d = amble.definition(ws);
    RolloutContent content = RolloutContent.pack(d);
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      Definition kept = content.keep(session.client, session.taskQueue, out);
      ContentRef ref = kept.content().orElseThrow();
      new ContentStore(session.client, session.taskQueue).keep(ref, Instant.now());
      content.printNotes(spec.commandLine().getErr());
      out.println(ref.digest());
      out.flush();
      return ExitCode.OK;
    }
  }

  /** The endpoint's token and grant, from the token file or the variable (a bare token). */
  private Optional<ListenToken> token(Invocation amble) {
    String text;
    if (tokenFile != null) {
      try {
        text = Files.readString(amble.cwd().resolve(tokenFile));
      } catch (IOException e) {
        throw Exit.badInput(
            "amble: --token-file "
                + tokenFile
                + ": cannot read it ("
                + e.getClass().getSimpleName()
                + ").");
      }
    } else {
      text = amble.env().getOrDefault(TOKEN_VARIABLE, "");
      if (text.isBlank()) {
        return Optional.empty();
      }
      text = text.strip().lines().findFirst().orElseThrow();
    }
    try {
      return Optional.of(ListenToken.parse(text));
    } catch (IllegalArgumentException e) {
      String from = tokenFile != null ? "--token-file " + tokenFile : "$" + TOKEN_VARIABLE;
      throw Exit.badInput("amble: " + from + ": " + e.getMessage() + ".");
    }
  }

  /** The file's first line, else the variable; never in argv, never printed. */
  private static Optional<String> secret(
      Invocation amble, Path file, String variable, String option) {
    if (file != null) {
      try {
        String text = Files.readString(amble.cwd().resolve(file)).strip();
        if (text.isEmpty()) {
          throw Exit.badInput("amble: " + option + " " + file + " is empty.");
        }
        return Optional.of(text.lines().findFirst().orElseThrow());
      } catch (IOException e) {
        throw Exit.badInput("amble: " + option + " " + file + ": cannot read it (" + e + ").");
      }
    }
    return Optional.ofNullable(amble.env().get(variable))
        .map(String::strip)
        .filter(s -> !s.isEmpty());
  }

  private static InetSocketAddress address(String text) {
    return HostPort.parse(text)
        .orElseThrow(() -> Exit.badInput("amble: --http-address " + text + " is not HOST:PORT."));
  }
}
