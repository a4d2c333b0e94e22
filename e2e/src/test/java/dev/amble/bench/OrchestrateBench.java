package dev.amble.bench;

import com.google.protobuf.util.Durations;
import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.e2e.ShippedJvmOptions;
import dev.amble.rollout.Descriptions;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.server.InternalPorts;
import dev.amble.server.LocalServer;
import dev.amble.temporal.Executions;
import dev.amble.visibility.AmbleSearchAttributes;
import dev.amble.worker.LocalTemporal;
import dev.amble.worker.SearchAttributeSetup;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * bench/orchestrate: amble's real rollout, host and page workflows over a simulated fleet, on a
 * real Temporal server (or the in-memory test server), with a worker in a process of its own;
 * prints figures read back from the server and the processes, and checks the simulated executor's
 * ledger against the inventory. A program that prints figures, not a test.
 *
 * <pre>
 * OrchestrateBench HOSTS [CONCURRENCY] [--embedded] [--kill-worker] [--host-ms 50] [--fail 0.02]
 *     [--unreachable 0.01] [--sample 200] [--kill-at 0.4] [--stall-seconds 180]
 * </pre>
 */
public final class OrchestrateBench {
  static final String WORKSPACE = "bench";
  static final String QUEUE = "amble-bench";
  static final String ROLLOUT_ID = RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, WORKSPACE);
  static final long KB256 = 256 * 1024;

  // Settings
  int hosts;
  int concurrency = 50;
  boolean embedded;
  boolean killWorker;
  long hostMs = 50;
  double fail = 0.02;
  double unreachable = 0.01;
  int sample = 200;
  double killAt = 0.4;
  long stallSeconds = 180;
  String commandLine;

  final Path root = Path.of(System.getProperty("amble.home", ".")).toAbsolutePath();
  Path dir;
  Path ledger;
  SimFleet fleet;
  final Map<String, String> figures = new LinkedHashMap<>();
  final List<String> problems = new ArrayList<>();
  final List<String> findings = new ArrayList<>();

  // Processes
  Process server;
  final List<Process> workers = new ArrayList<>();
  String address;
  WorkflowServiceStubs stubs;
  WorkflowClient client;

  public static void main(String[] args) throws Exception {
    OrchestrateBench b = new OrchestrateBench();
    b.parse(args);
    int code;
    try {
      code = b.run();
    } finally {
      b.stopAll();
    }
    System.exit(code);
  }

  void parse(String[] args) {
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--embedded" -> embedded = true;
        case "--kill-worker" -> killWorker = true;
        case "--host-ms" -> hostMs = Long.parseLong(args[++i]);
        case "--fail" -> fail = Double.parseDouble(args[++i]);
        case "--unreachable" -> unreachable = Double.parseDouble(args[++i]);
        case "--sample" -> sample = Integer.parseInt(args[++i]);
        case "--kill-at" -> killAt = Double.parseDouble(args[++i]);
        case "--stall-seconds" -> stallSeconds = Long.parseLong(args[++i]);
        default -> {
          if (args[i].startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + args[i]);
          }
          positional.add(args[i]);
        }
      }
    }
    if (positional.isEmpty()) {
      System.err.println(
          "usage: bench/orchestrate HOSTS [CONCURRENCY] [--embedded] [--kill-worker] [--host-ms MS]"
              + " [--fail SHARE] [--unreachable SHARE] [--sample N] [--kill-at SHARE]");
      System.exit(2);
    }
    hosts = Integer.parseInt(positional.get(0));
    if (positional.size() > 1) {
      concurrency = Integer.parseInt(positional.get(1));
    }
    commandLine =
        System.getProperty("bench.command", "bench/orchestrate " + String.join(" ", args));
  }

  String mode() {
    return (embedded ? "embedded test server" : "real server (SQLite)")
        + (killWorker ? " + worker SIGKILL" : "");
  }

  int run() throws Exception {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    dir =
        root.resolve("e2e/target/bench-orchestrate")
            .resolve(
                stamp
                    + "-"
                    + hosts
                    + (embedded ? "-embedded" : "-server")
                    + (killWorker ? "-kill" : ""));
    Files.createDirectories(dir);
    ledger = dir.resolve("ledger.tsv");
    Files.createFile(ledger);
    fleet = new SimFleet(hosts, fail, unreachable);
    System.out.println("$ " + commandLine);
    System.out.println(
        "bench/orchestrate: "
            + hosts
            + " hosts, "
            + concurrency
            + " at a time, "
            + mode()
            + ", "
            + hostMs
            + " ms a host, "
            + pct(fail)
            + " fail, "
            + pct(unreachable)
            + " unreachable; files in "
            + dir);
    figures.put("command", commandLine);
    figures.put("mode", mode());
    figures.put("tree", System.getProperty("bench.tree", "?"));
    figures.put("hosts / concurrency", hosts + " / " + concurrency);
    figures.put(
        "simulated ms a host; fail; unreachable",
        hostMs + "; " + pct(fail) + "; " + pct(unreachable));

    startServer();
    boolean searchAttributes = setUpNamespace();
    workers.add(startWorker(1));

    Definition d = definition();
    RolloutRequest request =
        new RolloutRequest(
            d,
            Optional.empty(),
            1,
            concurrency,
            false,
            false,
            "bench@" + InetAddress.getLocalHost().getHostName(),
            RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT,
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            searchAttributes);
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(ROLLOUT_ID)
            .setTaskQueue(QUEUE)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
            .setStaticSummary(Descriptions.rolloutSummary(request))
            .setStaticDetails(Descriptions.rolloutDetails(request));
    if (searchAttributes) {
      options.setTypedSearchAttributes(AmbleSearchAttributes.rollout(WORKSPACE, "planning"));
    }

    Cpu serverCpu0 = Cpu.of(server.pid());
    Cpu workerCpu0 = Cpu.of(workers.get(0).pid());
    long t0 = System.nanoTime();
    WorkflowExecution started = start(options.build(), request);
    String firstRun = started.getRunId();
    System.out.println("rollout started: " + ROLLOUT_ID + " run " + firstRun);

    // While it runs: status queries, progress, the kill, a stall.
    List<Double> runningMs = new ArrayList<>();
    List<Double> endMs = new ArrayList<>();
    int queryFailures = 0;
    long lastLedger = -1;
    long lastProgress = System.nanoTime();
    RolloutStatus last = null;
    Set<String> inFlightAtKill = Set.of();
    long killMark = -1;
    int doneAtKill = -1;
    double workerCpuSeconds = 0;
    long workerRssPeak = 0;
    long lastPrint = 0;
    while (true) {
      Query q = query();
      if (q.status != null) {
        runningMs.add(q.ms);
        last = q.status;
        if (q.status.done()) {
          break;
        }
      } else {
        queryFailures++;
      }
      long size = Files.size(ledger);
      if (size != lastLedger) {
        lastLedger = size;
        lastProgress = System.nanoTime();
      }
      int done = last == null ? 0 : doneHosts(last);
      if (System.nanoTime() - lastPrint > 10_000_000_000L) {
        lastPrint = System.nanoTime();
        System.out.printf(
            "  %5.0fs: %d/%d hosts done, run %d, phase %s, status query %.1f ms%n",
            (System.nanoTime() - t0) / 1e9,
            done,
            hosts,
            last == null ? 0 : last.runs(),
            last == null ? "?" : last.phase(),
            q.ms);
      }
      if (closedWithoutStatus()) {
        findings.add(
            "the rollout closed but its status query does not say done; last status: "
                + brief(last));
        break;
      }
      if ((System.nanoTime() - lastProgress) / 1e9 > stallSeconds) {
        findings.add(
            "STALL: no simulated call for "
                + stallSeconds
                + "s and the rollout is not done; last status: "
                + brief(last));
        System.out.println(findings.get(findings.size() - 1));
        return finish(3);
      }
      if (killWorker && doneAtKill < 0 && done >= killAt * hosts) {
        Process w = workers.get(workers.size() - 1);
        Cpu c = Cpu.of(w.pid());
        workerCpuSeconds += c.seconds() - workerCpu0.seconds();
        workerRssPeak = Math.max(workerRssPeak, c.hwmKb());
        new ProcessBuilder("kill", "-9", Long.toString(w.pid())).start().waitFor();
        w.waitFor();
        killMark = Files.size(ledger);
        doneAtKill = done;
        inFlightAtKill = openHostWorkflows();
        System.out.printf(
            "  killed the worker (pid %d, SIGKILL) at %d/%d hosts done; %d host walks open at the kill%n",
            w.pid(), done, hosts, inFlightAtKill.size());
        workers.add(startWorker(workers.size() + 1));
        workerCpu0 = Cpu.of(workers.get(workers.size() - 1).pid());
        lastProgress = System.nanoTime();
      }
      Thread.sleep(200);
    }
    long t1 = System.nanoTime();
    double seconds = (t1 - t0) / 1e9;
    Cpu serverCpu1 = Cpu.of(server.pid());
    Process lastWorker = workers.get(workers.size() - 1);
    Cpu workerCpu1 = Cpu.of(lastWorker.pid());
    workerCpuSeconds += workerCpu1.seconds() - workerCpu0.seconds();
    workerRssPeak = Math.max(workerRssPeak, workerCpu1.hwmKb());
    for (int i = 0; i < 20; i++) {
      Query q = query();
      if (q.status != null) {
        endMs.add(q.ms);
        last = q.status;
      }
    }
    RolloutStatus result =
        client
            .newUntypedWorkflowStub(ROLLOUT_ID)
            .getResult(60, TimeUnit.SECONDS, RolloutStatus.class);

    figures.put("wall seconds (start to done)", String.format("%.1f", seconds));
    figures.put("hosts per second", String.format("%.1f", hosts / seconds));
    figures.put("outcomes (rollout's counts)", result.counts().toString());
    figures.put("rollout phase; runs", result.phase() + "; " + result.runs());

    // Figures read back from the server.
    HistoryStats stats = new HistoryStats(stubs);
    Map<String, long[]> rolloutByType = new TreeMap<>();
    Map<String, long[]> hostByType = new TreeMap<>();
    long rolloutEvents = 0;
    long rolloutBytes = 0;
    int runs = 0;
    String run = firstRun;
    int rolloutWftFailed = 0;
    int rolloutWftTimedOut = 0;
    int hostWftFailed = 0;
    int hostWftTimedOut = 0;
    long largestRun = 0;
    // Every run, walked back from the latest through the run each one continued (its first event
    // names it): the test server does not always record the continued-as-new event of a run whose
    // last workflow task answered a query, so the forward chain may break.
    List<String> chain = new ArrayList<>();
    run =
        Executions.describe(client, ROLLOUT_ID)
            .orElseThrow()
            .getWorkflowExecutionInfo()
            .getExecution()
            .getRunId();
    while (run != null && !run.isEmpty()) {
      HistoryStats.History h = stats.scan("rollout history", ROLLOUT_ID, run);
      runs++;
      chain.add(0, run);
      rolloutEvents += h.events().size();
      rolloutBytes += h.bytes();
      HistoryStats.countByType(h, rolloutByType);
      largestRun = Math.max(largestRun, h.events().size());
      int[] wft = taskTrouble(h);
      rolloutWftFailed += wft[0];
      rolloutWftTimedOut += wft[1];
      String previous =
          h.events()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getContinuedExecutionRunId();
      if (wft[0] + wft[1] > 0) {
        System.out.printf(
            "  rollout run %s: %d events, workflow tasks failed %d, timed out %d%n",
            run, h.events().size(), wft[0], wft[1]);
      }
      run = previous;
    }
    if (!chain.isEmpty() && !chain.get(0).equals(firstRun)) {
      findings.add(
          "the rollout's runs lead back to " + chain.get(0) + ", not to the first run " + firstRun);
    }
    System.out.printf(
        "  rollout runs: %d, from %s to %s%n",
        runs, firstRun, chain.isEmpty() ? "?" : chain.get(chain.size() - 1));
    DescribeWorkflowExecutionResponse described =
        Executions.describe(client, ROLLOUT_ID).orElseThrow();
    long memoBytes = described.getWorkflowExecutionInfo().getMemo().getSerializedSize();
    stats.walk(
        "memo (describe)",
        described.getWorkflowExecutionInfo().getMemo(),
        ROLLOUT_ID + " memo",
        "");

    long hostEvents = 0;
    long hostBytes = 0;
    List<String> sampled = hostSample();
    int evenly = Math.min(sample, hosts);
    for (int i = 0; i < sampled.size(); i++) {
      HistoryStats.History h =
          stats.scan("host history", RolloutRequest.hostWorkflowId(ROLLOUT_ID, sampled.get(i)), "");
      int[] wft = taskTrouble(h);
      hostWftFailed += wft[0];
      hostWftTimedOut += wft[1];
      if (i < evenly) {
        hostEvents += h.events().size();
        hostBytes += h.bytes();
        HistoryStats.countByType(h, hostByType);
      }
    }
    int pagesRead = 0;
    long pageBytes = 0;
    for (String id : pageIds(result)) {
      HistoryStats.History h = stats.scan("page history", id, "");
      pagesRead++;
      pageBytes += h.bytes();
    }

    double hostAvgEvents = hostEvents / (double) evenly;
    double hostAvgBytes = hostBytes / (double) evenly;
    HistoryStats.printByType("rollout history, per host", rolloutByType, hosts);
    HistoryStats.printByType("host history, per host", hostByType, evenly);
    HistoryStats.Largest overall = stats.overall();
    figures.put("LARGEST PAYLOAD bytes", Long.toString(overall.bytes));
    figures.put("largest payload: where", overall.where);
    for (var e : stats.largest.entrySet()) {
      figures.put("  largest in " + e.getKey(), e.getValue().bytes + "");
    }
    figures.put("  largest status query answer (payloads)", maxQueryBytes + "");
    figures.put("  memo bytes (describe)", memoBytes + "");
    figures.put(
        "rollout history: runs; events; bytes", runs + "; " + rolloutEvents + "; " + rolloutBytes);
    figures.put("rollout events per run (most)", largestRun + "");
    figures.put(
        "workflow tasks failed; timed out (rollout runs)",
        rolloutWftFailed + "; " + rolloutWftTimedOut);
    figures.put(
        "workflow tasks failed; timed out (host sample)", hostWftFailed + "; " + hostWftTimedOut);
    figures.put(
        "host history avg events; bytes (" + evenly + " sampled)",
        String.format("%.1f; %.0f", hostAvgEvents, hostAvgBytes));
    figures.put("page workflows read; their history bytes", pagesRead + "; " + pageBytes);
    figures.put(
        "EVENTS PER HOST (rollout + host wf)",
        String.format(
            "%.2f + %.1f = %.1f",
            rolloutEvents / (double) hosts,
            hostAvgEvents,
            rolloutEvents / (double) hosts + hostAvgEvents));
    figures.put(
        "HISTORY BYTES PER HOST (rollout + host wf)",
        String.format(
            "%.0f + %.0f = %.0f",
            rolloutBytes / (double) hosts,
            hostAvgBytes,
            rolloutBytes / (double) hosts + hostAvgBytes));

    // The processes.
    WorkerHeap heap = WorkerHeap.read(dir, workers.size());
    figures.put("worker CPU seconds (all workers)", String.format("%.1f", workerCpuSeconds));
    figures.put("worker CPU ms per host", String.format("%.2f", workerCpuSeconds * 1000 / hosts));
    figures.put("worker peak RSS MB (VmHWM)", String.format("%.0f", workerRssPeak / 1024.0));
    figures.put(
        "worker heap MB: peak used; live after GC",
        String.format("%.0f; %.0f", heap.used / 1048576.0, heap.afterGc / 1048576.0));
    double serverSeconds = serverCpu1.seconds() - serverCpu0.seconds();
    figures.put("server CPU seconds", String.format("%.1f", serverSeconds));
    figures.put("server CPU ms per host", String.format("%.2f", serverSeconds * 1000 / hosts));
    figures.put("server peak RSS MB (VmHWM)", String.format("%.0f", serverCpu1.hwmKb() / 1024.0));
    figures.put(
        "STATUS QUERY ms p50 / p99 (running, n)",
        String.format(
            "%.1f / %.1f (n=%d)", pct(runningMs, 50), pct(runningMs, 99), runningMs.size()));
    figures.put(
        "status query ms p50 / p99 (ended, n)",
        String.format("%.1f / %.1f (n=%d)", pct(endMs, 50), pct(endMs, 99), endMs.size()));
    figures.put("status queries failed", queryFailures + "");

    // The ledger against the inventory, and the rollout's counts against the fleet's fates.
    LedgerCheck check = LedgerCheck.of(fleet, ledger, inFlightAtKill, killMark);
    if (killWorker) {
      figures.put(
          "kill: hosts done at kill; walks open at kill",
          doneAtKill + "; " + inFlightAtKill.size());
      figures.put("kill: hosts re-run (a step twice)", check.rerun + "");
      figures.put("kill: finished hosts walked again", check.walkedAgain + "");
    }
    problems.addAll(check.problems);
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < hosts; i++) {
      String word =
          switch (fleet.fate(i)) {
            case OK -> "succeeded";
            case FAILED -> "failed";
            case UNREACHABLE -> "unreachable";
          };
      expected.merge(word, 1, Integer::sum);
    }
    for (var e : expected.entrySet()) {
      int got = result.counts().getOrDefault(e.getKey(), 0);
      if (got != e.getValue()) {
        problems.add(
            "rollout counts " + got + " " + e.getKey() + ", the fleet has " + e.getValue());
      }
    }
    if (!"done".equals(result.phase())) {
      problems.add("rollout ended " + result.phase() + ": " + result.ended());
    }
    if (overall.bytes > KB256) {
      findings.add("a payload over 256 KB: " + overall.bytes + " bytes at " + overall.where);
    }
    figures.put(
        "ledger",
        problems.isEmpty()
            ? "OK (" + check.lines + " lines)"
            : "MISMATCH (" + problems.size() + " problems)");
    return finish(problems.isEmpty() && findings.isEmpty() ? 0 : 1);
  }

  int finish(int code) throws IOException {
    Properties p = new Properties();
    int i = 0;
    for (var e : figures.entrySet()) {
      p.setProperty(String.format("%03d %s", i++, e.getKey()), e.getValue());
    }
    try (var out = Files.newOutputStream(dir.resolve("figures.properties"))) {
      p.store(out, commandLine);
    }
    printTable();
    for (String f : findings) {
      System.out.println("FINDING: " + f);
    }
    problems.stream().limit(30).forEach(x -> System.out.println("ledger: " + x));
    if (problems.size() > 30) {
      System.out.println("ledger: ... and " + (problems.size() - 30) + " more");
    }
    System.out.println(problems.isEmpty() ? "ledger: OK" : "ledger: MISMATCH");
    return code;
  }

  /** This run's figures beside the latest earlier run of every other command line. */
  void printTable() throws IOException {
    Map<String, Map<String, String>> columns = new LinkedHashMap<>();
    Path all = dir.getParent();
    List<Path> runs;
    try (var s = Files.list(all)) {
      runs = s.filter(d -> Files.exists(d.resolve("figures.properties"))).sorted().toList();
    }
    for (Path d : runs) {
      Properties p = new Properties();
      try (var in = Files.newInputStream(d.resolve("figures.properties"))) {
        p.load(in);
      }
      Map<String, String> col = new LinkedHashMap<>();
      p.stringPropertyNames().stream()
          .sorted()
          .forEach(k -> col.put(k.substring(4), p.getProperty(k)));
      if (d.equals(dir)) {
        continue;
      }
      columns.remove(col.get("command"));
      columns.put(col.get("command"), col);
    }
    columns.remove(commandLine);
    List<Map<String, String>> shown = new ArrayList<>(columns.values());
    if (shown.size() > 3) {
      shown = shown.subList(shown.size() - 3, shown.size());
    }
    shown.add(figures);
    List<String> rows = new ArrayList<>(figures.keySet());
    for (Map<String, String> c : shown) {
      for (String k : c.keySet()) {
        if (!rows.contains(k)) {
          rows.add(k);
        }
      }
    }
    rows.remove("largest payload: where");
    int w = 42;
    StringBuilder out = new StringBuilder("\n");
    for (String r : rows) {
      out.append(String.format("%-" + w + "s", r));
      for (Map<String, String> c : shown) {
        out.append(" | ").append(String.format("%-28s", c.getOrDefault(r, "")));
      }
      out.append('\n');
    }
    for (int i = 0; i < shown.size(); i++) {
      out.append("largest payload [")
          .append(i + 1)
          .append("]: ")
          .append(shown.get(i).getOrDefault("largest payload: where", ""))
          .append('\n');
    }
    System.out.print(out);
  }

  // ---------------------------------------------------------------- the server

  void startServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    if (embedded) {
      int port = freePort();
      server =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  BenchServer.class.getName(),
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      address = LocalTemporal.address(port);
      awaitLine(dir.resolve("server.log"), "listening", server, 60);
    } else {
      Path bin = LocalServer.defaultBin(System.getenv()).resolve("temporal-server");
      if (!Files.isExecutable(bin)) {
        buildServer(bin);
      }
      int offset = freeOffset();
      Path data = Files.createDirectories(dir.resolve("server"));
      String config;
      try (InputStream in = LocalServer.class.getResourceAsStream("temporal-sqlite.yaml")) {
        config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      config =
          config.replace(
              "{{FRONTEND_PORT}}", Integer.toString(LocalTemporal.FRONTEND_PORT + offset));
      config = InternalPorts.CLASSIC.shifted(offset).render(config);
      config = config.replace("{{DATA_DIR}}", data.toString()).replace("{{GLOBAL_TLS}}", "");
      Path file = data.resolve("temporal.yaml");
      Files.writeString(file, config);
      server =
          new ProcessBuilder(
                  bin.toString(), "--config-file", file.toString(), "--allow-no-auth", "start")
              .directory(data.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("server.log").toFile())
              .start();
      address = LocalTemporal.address(LocalTemporal.FRONTEND_PORT + offset);
    }
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(address)
                .setRpcTimeout(Duration.ofSeconds(60))
                .build());
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (true) {
      try {
        stubs
            .blockingStub()
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        break;
      } catch (StatusRuntimeException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the Temporal server did not answer at "
                  + address
                  + "; see "
                  + dir.resolve("server.log"));
        }
        Thread.sleep(250);
      }
    }
    client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace("default")
                // amble's own JSON, as its CLI and workers write it (its history bytes)
                .setDataConverter(dev.amble.codec.PayloadJson.converter())
                .build());
    System.out.println(
        "Temporal "
            + (embedded ? "test server" : "server")
            + " at "
            + address
            + " (pid "
            + server.pid()
            + ")");
  }

  static final int[] SERVER_PORTS = {
    LocalTemporal.FRONTEND_PORT, 7234, 7235, 7239, 7243, 6933, 6934, 6935, 6939
  };

  /** amble server's own build: the module and version amble pins, with the same flags. */
  static void buildServer(Path binary) throws Exception {
    System.out.println(
        "building "
            + LocalServer.SERVER_MODULE
            + "@"
            + LocalServer.SERVER_VERSION
            + " (once; about 5 minutes) ...");
    Path gobin =
        Files.createDirectories(
            binary.getParent().resolve("build-" + ProcessHandle.current().pid()));
    ProcessBuilder pb =
        new ProcessBuilder(
                "go",
                "install",
                "-tags",
                "disable_grpc_modules",
                LocalServer.SERVER_MODULE + "@" + LocalServer.SERVER_VERSION)
            .inheritIO();
    pb.environment().put("GOBIN", gobin.toString());
    pb.environment().put("GOFLAGS", "-mod=mod");
    if (pb.start().waitFor() != 0) {
      throw new IllegalStateException("go install of the Temporal server failed");
    }
    Files.move(gobin.resolve("server"), binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.delete(gobin);
  }

  static int freeOffset() {
    for (int offset = 10000; offset < 50000; offset += 1000) {
      boolean free = true;
      for (int p : SERVER_PORTS) {
        free &= isFree(p + offset);
      }
      if (free) {
        return offset;
      }
    }
    throw new IllegalStateException("no free block of ports for the Temporal server");
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The namespace (real server) and amble's search attributes; whether they can be used. */
  boolean setUpNamespace() throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    if (!embedded) {
      while (true) {
        try {
          stubs
              .blockingStub()
              .registerNamespace(
                  RegisterNamespaceRequest.newBuilder()
                      .setNamespace("default")
                      .setWorkflowExecutionRetentionPeriod(Durations.fromDays(1))
                      .build());
          break;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(500);
        }
      }
    }
    while (true) {
      try {
        stubs
            .blockingStub()
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder().setNamespace("default").build());
        List<String> missing =
            SearchAttributeSetup.missing(stubs, "default").orElse(SearchAttributeSetup.NAMES);
        if (missing.isEmpty()) {
          return true;
        }
        SearchAttributeSetup.register(stubs, "default", missing);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
          return true; // the test server does not list them back, and has them
        }
        if (System.nanoTime() > deadline) {
          System.out.println("search attributes not available: " + e.getStatus());
          return false;
        }
        Thread.sleep(500);
      }
    }
  }

  WorkflowExecution start(WorkflowOptions options, RolloutRequest request)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        RolloutWorkflow wf = client.newWorkflowStub(RolloutWorkflow.class, options);
        return WorkflowClient.start(wf::run, RolloutInput.start(request));
      } catch (io.temporal.client.WorkflowServiceException e) {
        // a namespace just registered is not in every cache yet
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(1000);
      }
    }
  }

  Definition definition() throws Exception {
    String text =
        """
        workspaces:
          %s:
            host_pattern: all
            workflow: upgrade
            sort_order: ascending
            concurrency: %d
            max_failures: 100%%
        workflows:
          upgrade:
            jobs:
              - job: upgrade
        jobs:
          upgrade:
            preconditions: "true"
            tasks:
              - name: Upgrade the kernel
                ansible.builtin.apt: { upgrade: dist, update_cache: true }
        """
            .formatted(WORKSPACE, concurrency);
    Path file = dir.resolve("Amblefile.yml");
    Files.writeString(file, text);
    return AmblefileLoader.parse(file, "Amblefile.yml", text).definition(WORKSPACE);
  }

  // ---------------------------------------------------------------- workers

  Process startWorker(int n) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path stats = dir.resolve("worker-" + n + ".stats");
    Process p =
        new ProcessBuilder(
                Stream.of(
                        List.of(java),
                        ShippedJvmOptions.of(Path.of(System.getProperty("amble.home"))),
                        List.of(
                            "-cp",
                            System.getProperty("java.class.path"),
                            BenchWorker.class.getName(),
                            "--address",
                            address,
                            "--task-queue",
                            QUEUE,
                            "--hosts",
                            Integer.toString(hosts),
                            "--host-ms",
                            Long.toString(hostMs),
                            "--fail",
                            Double.toString(fail),
                            "--unreachable",
                            Double.toString(unreachable),
                            "--ledger",
                            ledger.toString(),
                            "--stats",
                            stats.toString(),
                            "--activity-slots",
                            Integer.toString(concurrency + 16)))
                    .flatMap(List::stream)
                    .toList())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker-" + n + ".log").toFile())
            .start();
    awaitLine(stats, "ready", p, 60);
    System.out.println("worker " + n + " started (pid " + p.pid() + ")");
    return p;
  }

  static void awaitLine(Path file, String prefix, Process p, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      if (Files.exists(file)
          && Files.readString(file).lines().anyMatch(l -> l.startsWith(prefix))) {
        return;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "process " + p.pid() + " did not say " + prefix + " in " + file);
      }
      Thread.sleep(100);
    }
  }

  void stopAll() {
    for (Process w : workers) {
      stop(w);
    }
    if (stubs != null) {
      stubs.shutdownNow();
    }
    if (server != null) {
      stop(server);
    }
  }

  static void stop(Process p) {
    if (p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }

  // ---------------------------------------------------------------- queries and progress

  record Query(RolloutStatus status, double ms) {}

  long maxQueryBytes;

  Query query() {
    long s = System.nanoTime();
    try {
      QueryWorkflowResponse r =
          stubs
              .blockingStub()
              .withDeadlineAfter(15, TimeUnit.SECONDS)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(ROLLOUT_ID))
                      .setQuery(WorkflowQuery.newBuilder().setQueryType("status"))
                      .build());
      double ms = (System.nanoTime() - s) / 1e6;
      Payloads p = r.getQueryResult();
      for (Payload one : p.getPayloadsList()) {
        maxQueryBytes = Math.max(maxQueryBytes, one.getSerializedSize());
      }
      DataConverter c = client.getOptions().getDataConverter();
      return new Query(
          c.fromPayloads(0, Optional.of(p), RolloutStatus.class, RolloutStatus.class), ms);
    } catch (StatusRuntimeException | io.temporal.common.converter.DataConverterException e) {
      return new Query(null, (System.nanoTime() - s) / 1e6);
    }
  }

  /**
   * Workflow tasks that failed (an exception, a non-determinism) and that timed out, in a history.
   */
  static int[] taskTrouble(HistoryStats.History h) {
    int failed = 0;
    int timedOut = 0;
    for (HistoryEvent e : h.events()) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
        failed++;
      } else if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) {
        timedOut++;
      }
    }
    return new int[] {failed, timedOut};
  }

  static int doneHosts(RolloutStatus s) {
    return s.counts().values().stream().mapToInt(Integer::intValue).sum();
  }

  static String brief(RolloutStatus s) {
    if (s == null) {
      return "none";
    }
    return "phase "
        + s.phase()
        + ", counts "
        + s.counts()
        + ", remaining "
        + s.remaining()
        + ", in progress "
        + s.inProgress().size()
        + ", runs "
        + s.runs()
        + ", caught "
        + s.caught()
        + ", ended '"
        + s.ended()
        + "'";
  }

  boolean closedWithoutStatus() {
    try {
      DescribeWorkflowExecutionResponse d =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(ROLLOUT_ID))
                      .build());
      WorkflowExecutionStatus st = d.getWorkflowExecutionInfo().getStatus();
      return st != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          && st != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
          && st != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** With no worker running (nothing moves), the host walks whose workflow is not closed. */
  Set<String> openHostWorkflows() throws Exception {
    Set<String> touched = new HashSet<>();
    for (String line : Files.readAllLines(ledger)) {
      touched.add(line.split("\t")[0]);
    }
    Set<String> open = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (String h : touched) {
      pool.submit(
          () -> {
            DescribeWorkflowExecutionResponse d =
                stubs
                    .blockingStub()
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace("default")
                            .setExecution(
                                WorkflowExecution.newBuilder()
                                    .setWorkflowId(RolloutRequest.hostWorkflowId(ROLLOUT_ID, h)))
                            .build());
            if (d.getWorkflowExecutionInfo().getStatus()
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
              open.add(h);
            }
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    return open;
  }

  /** {@code sample} hosts evenly spread, then the first ten failed and ten unreachable ones. */
  List<String> hostSample() {
    List<String> out = new ArrayList<>();
    int n = Math.min(sample, hosts);
    for (int i = 0; i < n; i++) {
      out.add(SimFleet.name((int) ((long) i * hosts / n)));
    }
    int failed = 0;
    int lost = 0;
    for (int i = 0; i < hosts && (failed < 10 || lost < 10); i++) {
      SimFleet.Fate f = fleet.fate(i);
      if (f == SimFleet.Fate.FAILED && failed++ < 10) {
        out.add(SimFleet.name(i));
      } else if (f == SimFleet.Fate.UNREACHABLE && lost++ < 10) {
        out.add(SimFleet.name(i));
      }
    }
    return out;
  }

  /** Walk pages (of the planning attempt that holds them) and failed pages. */
  List<String> pageIds(RolloutStatus s) {
    List<String> ids = new ArrayList<>();
    String prefix = s.pages();
    int walkPages =
        (hosts + dev.amble.pages.Pages.WALK_PAGE_SIZE - 1) / dev.amble.pages.Pages.WALK_PAGE_SIZE;
    for (int attempt = 1; attempt <= 10; attempt++) {
      String first = dev.amble.pages.Pages.id(prefix, "walk." + attempt, 0);
      if (Executions.describe(client, first).isEmpty()) {
        continue;
      }
      for (int i = 0; i < walkPages; i++) {
        ids.add(dev.amble.pages.Pages.id(prefix, "walk." + attempt, i));
      }
      break;
    }
    for (int i = 0; i < s.failedPages(); i++) {
      ids.add(dev.amble.pages.Pages.id(prefix, dev.amble.pages.Pages.FAILED, i));
    }
    return ids;
  }

  static double pct(List<Double> xs, int p) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
    return s.get(Math.max(0, Math.min(s.size() - 1, i)));
  }

  static String pct(double share) {
    return String.format("%.1f%%", share * 100);
  }

  // ---------------------------------------------------------------- /proc

  /** A process's CPU time so far and its peak resident set, from /proc. */
  record Cpu(long ticks, long hwmKb) {
    static final long HZ = 100; // USER_HZ: 100 on Linux (getconf CLK_TCK)

    static Cpu of(long pid) throws IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      return new Cpu(ticks, hwm);
    }

    double seconds() {
      return ticks / (double) HZ;
    }
  }

  /**
   * The workers' heap, as they logged it once a second: the most used, the most live after a GC.
   */
  record WorkerHeap(long used, long afterGc) {
    static WorkerHeap read(Path dir, int workers) throws IOException {
      long used = 0;
      long after = 0;
      for (int n = 1; n <= workers; n++) {
        for (String line : Files.readAllLines(dir.resolve("worker-" + n + ".stats"))) {
          String[] f = line.split(" ");
          if (f[0].equals("heap") && f.length == 3) {
            used = Math.max(used, Long.parseLong(f[1]));
            after = Math.max(after, Long.parseLong(f[2]));
          }
        }
      }
      return new WorkerHeap(used, after);
    }
  }
}
