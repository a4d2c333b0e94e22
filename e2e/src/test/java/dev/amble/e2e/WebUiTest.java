package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.ansible.LocalFleet;
import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Temporal Web UI (ui-server v2.50.1, started by {@code amble server}) in a real headless
 * Chromium, driven by Selenium, shows and steers a real rollout of 3 local hosts:
 *
 * <ol>
 *   <li>the rollout's page shows its static summary and details and its live current details (User
 *       Metadata tab; the current details come from a query answered by the worker);
 *   <li>the UI's own "Send a Signal" dialog, clicked through, catches the rollout ({@code catch});
 *       a {@code release} sent through it without naming the catch is dropped, and {@code amble
 *       release} releases it: {@code amble status --output json} sees the catch, the one release
 *       and who sent them;
 *   <li>the workflow list filters rollouts and host workflows by amble's search attributes
 *       (AmbleKind, AmbleWorkspace, AmbleHost, AmbleOutcome), with the visibility query in the URL
 *       in the form the UI itself writes: {@code ?query=%60AmbleWorkspace%60%3D%22ws%22+AND+...}.
 * </ol>
 *
 * The rollout's payloads are encrypted (the key `amble server` created), and the UI reads them
 * through the {@code amble codec-server} that `amble server` started beside it and configured it to
 * ask: every summary, detail and signal above passes through it, so the test fails if the UI cannot
 * decrypt.
 *
 * <p>Screenshots are left in {@code e2e/target/screenshots/} (filtered-list.png, rollout.png, and
 * one per step). Chromium and chromedriver are Debian's ({@code /usr/bin/chromium}, {@code
 * /usr/bin/chromedriver}); Selenium Manager is never used, and nothing is fetched.
 */
class WebUiTest {
  static final String UI = TemporalServerProcess.UI;
  static final String NAMESPACE_WORKFLOWS = UI + "/namespaces/default/workflows";
  static final Path SHOTS = AmbleProcess.ROOT.resolve("e2e/target/screenshots");
  static final String WS = "webui-local";
  static final String ROLLOUT_ID = "amble/default/" + WS;
  static final String BY = "selenium-webui";
  static final String CATCH_REASON = "paused from the Web UI test";
  static final Duration UI_WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Chromium's profile and driver log: not in the Amblefile's folder, which a run packs. */
  @TempDir Path browser;

  private WebDriver driver;

  @Test
  void theWebUiFiltersShowsAndSteersARollout() throws Exception {
    Instant begin = Instant.now();
    TemporalServerProcess.ensureRunning();
    LocalFleet fleet =
        LocalFleet.create(dir, "webui", 3, (h, v) -> v.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          %s: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, sort_order: ascending, concurrency: 1 }
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch: { become: false, tasks: [ { ansible.builtin.command: sleep 4 } ] }
        """
            .formatted(WS));
    Map<String, String> env =
        new java.util.HashMap<>(TemporalServerProcess.env("e2e-webui-" + UUID.randomUUID()));
    env.put("AMBLE_CODEC_KEY_FILE", TemporalServerProcess.DATA.resolve("codec.key").toString());
    Files.createDirectories(SHOTS);
    try (var old = Files.list(SHOTS)) { // this test's own artifacts, of an earlier run
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    try {
      driver = chromium();
      try {
        walkThrough(fleet, env);
      } catch (Throwable t) {
        shot("failure.png");
        Files.writeString(SHOTS.resolve("failure.html"), driver.getPageSource());
        Files.copy(
            dir.resolve("worker.log"),
            SHOTS.resolve("failure-worker.log"),
            StandardCopyOption.REPLACE_EXISTING);
        throw t;
      } finally {
        driver.quit();
      }
    } finally {
      worker.destroy();
      worker.waitFor();
    }
    System.out.printf("WebUiTest took %ds%n", Duration.between(begin, Instant.now()).toSeconds());
  }

  /**
   * Opens the one-time link `amble codec-server link` prints (as `amble server` does), which gives
   * this browser the codec server's cookie and goes on to the Web UI. Without it the codec server
   * answers the UI's pages 401, and the rollout's input below stays encrypted.
   */
  private void authorizeBrowser() {
    AmbleProcess.Result link =
        AmbleProcess.run(
            AmbleProcess.ROOT,
            Map.of(
                "AMBLE_CODEC_SERVER_TOKEN_FILE",
                TemporalServerProcess.DATA.resolve("codec-server.token").toString()),
            60,
            "codec-server",
            "link",
            "--listen",
            "127.0.0.1:" + TemporalServerProcess.CODEC_PORT);
    assertEquals(0, link.code(), link.toString());
    String url = link.out().strip();
    assertTrue(url.contains("/authorize#"), url);
    driver.get(url);
    waiting()
        .withMessage("the authorize page posts its code and goes on to the Web UI")
        .until(d -> d.getCurrentUrl().startsWith(UI));
  }

  private void walkThrough(LocalFleet fleet, Map<String, String> env) throws Exception {
    authorizeBrowser();
    AmbleProcess.Result started = AmbleProcess.run(dir, env, 120, "run", "--detach");
    assertEquals(0, started.code(), started.toString());
    Rollout rollout = new Rollout(dir, env);
    List<String> hostIds = fleet.hosts().stream().map(h -> ROLLOUT_ID + "/" + h).toList();
    String first = fleet.hosts().get(0);

    // 1. The rollout's page. Without a run ID the UI redirects to the latest run (…/RUN/timeline).
    driver.get(NAMESPACE_WORKFLOWS + "/" + encodePath(ROLLOUT_ID));
    String runUrl = runUrl();
    driver.get(runUrl + "/user-metadata");
    frameText(
        "user-metadata-summary",
        t -> t.contains("amble rollout of workspace " + WS + ": workflow patch on fleet"));
    frameText(
        "user-metadata-details",
        t ->
            t.contains("Workspace " + WS)
                && t.contains("order: ascending, 1 at a time")
                && t.contains("send the signal catch"));
    // Live: the worker answers the UI's __temporal_workflow_metadata query with the current
    // details.
    frameText(
        "user-metadata-current-details",
        t -> t.matches("walking: \\d of 3 hosts done.*") && t.contains("walking now: webui0"));
    shot("rollout.png");
    // The rollout's input, decrypted by the codec server (the payload itself is encrypted: the
    // worker said so when it started).
    assertTrue(
        Files.readString(dir.resolve("worker.log")).contains("payloads encrypted with key"),
        "the worker encrypts");
    driver.get(runUrl);
    waiting()
        .withMessage("the UI shows the rollout's input decrypted")
        .until(d -> d.getPageSource().contains("hostPattern"));

    // 2. Catch from the UI's "Send a Signal" dialog, while the first host is being walked.
    sendSignalFromUi(
        runUrl,
        "catch",
        "{\"reason\": \"" + CATCH_REASON + "\", \"by\": \"" + BY + "\"}",
        "signal-catch.png");
    JsonNode caught =
        rollout.await(
            "caught by the Web UI",
            s ->
                s.path("caught").path("caught").asBoolean() && lastSteering(s, "catch").isPresent(),
            Duration.ofSeconds(30));
    JsonNode catchAct = lastSteering(caught, "catch").orElseThrow();
    assertEquals(BY, catchAct.path("by").asText(), caught.toString());
    assertEquals(CATCH_REASON, catchAct.path("reason").asText(), caught.toString());
    assertEquals(BY, caught.path("caught").path("by").asText(), caught.toString());
    // The host in flight finishes its walk; no other starts.
    JsonNode still =
        rollout.await(
            "caught with no host in flight",
            s -> s.path("phase").asText().equals("caught"),
            Duration.ofSeconds(90));
    // Normally only the first host (walked when the catch came); on a slow machine maybe two. The
    // rollout counts them (it lists only failures); in ascending order they are the first ones,
    // which the filtered list below shows.
    int n = Rollout.count(still, "succeeded");
    assertTrue(n >= 1 && n < 3, "hosts done when caught: " + still);
    Set<String> doneBefore = new TreeSet<>(hostIds.subList(0, n));
    assertEquals(3 - n, still.path("remaining").asInt(), still.toString());

    // The current details follow (the UI fetches them again when R is pressed, or on a reload).
    driver.get(runUrl + "/user-metadata");
    frameText(
        "user-metadata-current-details",
        t ->
            t.contains(
                    "caught: "
                        + n
                        + " of 3 hosts done ("
                        + n
                        + " succeeded), "
                        + (3 - n)
                        + " to go")
                && t.contains("CAUGHT by " + BY + ": " + CATCH_REASON));
    shot("rollout-caught.png");

    // 3. The list, filtered in the URL, while the rollout stands still.
    expectList(
        q("AmbleWorkspace", WS), union(Set.of(ROLLOUT_ID), doneBefore), "list-workspace.png");
    expectList(
        q("AmbleWorkspace", WS) + " AND " + q("AmbleKind", "rollout"), Set.of(ROLLOUT_ID), null);
    expectList(
        q("AmbleKind", "rollout")
            + " AND "
            + q("AmbleOutcome", "caught")
            + " AND "
            + q("AmbleWorkspace", WS),
        Set.of(ROLLOUT_ID),
        null);
    expectList(
        q("AmbleWorkspace", WS)
            + " AND "
            + q("AmbleKind", "host")
            + " AND "
            + q("AmbleOutcome", "succeeded"),
        doneBefore,
        "filtered-list.png");
    expectList(
        q("AmbleWorkspace", WS) + " AND " + q("AmbleHost", first),
        Set.of(ROLLOUT_ID + "/" + first),
        null);
    expectList(
        q("AmbleWorkspace", WS) + " AND " + q("AmbleHost", fleet.hosts().get(2)),
        Set.of(),
        null); // not walked yet
    expectList(
        q("AmbleWorkspace", WS) + " AND " + q("AmbleOutcome", "walking"),
        Set.of(),
        "list-none-walking.png");

    // 4. A release from the UI that names no catch (the input amble documented before releases
    // named their catch) is dropped: the rollout stays caught. Then amble release, which names the
    // rollout and the catch, releases it; the next host is walked. (The UI's dialog did not submit
    // the named input in this test's Chromium: see the README's Web UI section.)
    sendSignalFromUi(
        runUrl, "release", "{\"skipFailed\": false, \"by\": \"" + BY + "\"}", "signal-release.png");
    JsonNode stillCaught =
        rollout.await(
            "still caught by its first catch",
            s -> s.path("caught").path("caught").asBoolean(),
            Duration.ofSeconds(30));
    assertEquals(1, stillCaught.path("caught").path("number").asInt(), stillCaught.toString());
    AmbleProcess.Result cliRelease = AmbleProcess.run(dir, env, 120, "release");
    assertEquals(0, cliRelease.code(), cliRelease.toString());
    JsonNode released =
        rollout.await(
            "released by amble release",
            s ->
                !s.path("caught").path("caught").asBoolean()
                    && lastSteering(s, "release").isPresent(),
            Duration.ofSeconds(30));
    assertEquals(
        1,
        released.path("steering").findValues("kind").stream()
            .filter(k -> k.asText().equals("release"))
            .count(),
        "only the named release took effect: " + released);
    List<String> walking =
        expectList(
            q("AmbleWorkspace", WS)
                + " AND "
                + q("AmbleKind", "host")
                + " AND "
                + q("AmbleOutcome", "walking"),
            ids ->
                ids.size() == 1 && hostIds.contains(ids.get(0)) && !doneBefore.contains(ids.get(0)),
            "one host walking, not " + doneBefore,
            "list-walking.png");
    System.out.println("WebUiTest: walking after the release: " + walking);

    // 5. The end: every host succeeded, the rollout is done, and the list says so.
    JsonNode done =
        rollout.await(
            "done", s -> s.path("phase").asText().equals("done"), Duration.ofSeconds(120));
    assertEquals(3, Rollout.count(done, "succeeded"), done.toString());
    expectList(
        q("AmbleWorkspace", WS) + " AND " + q("AmbleOutcome", "succeeded"),
        Set.copyOf(hostIds),
        "filtered-list-done.png");
    expectList(
        q("AmbleWorkspace", WS)
            + " AND "
            + q("AmbleKind", "rollout")
            + " AND "
            + q("AmbleOutcome", "done"),
        Set.of(ROLLOUT_ID),
        null);
  }

  // ---------------------------------------------------------------- the browser

  private WebDriver chromium() {
    // Debian's chromedriver, named explicitly: Selenium Manager must not look for (or download)
    // one.
    System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .withLogFile(browser.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + browser.resolve("chromium-profile"),
        "--window-size=1600,1000");
    return new ChromeDriver(service, options);
  }

  private WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, UI_WAIT, Duration.ofMillis(250));
    wait.ignoring(WebDriverException.class); // stale, not yet there, not interactable: try again
    return wait;
  }

  /** The URL of the run the UI redirected to, without its tab ({@code …/workflows/ID/RUN}). */
  private String runUrl() {
    Pattern run =
        Pattern.compile(
            "(.*/workflows/" + Pattern.quote(encodePath(ROLLOUT_ID)) + "/[0-9a-f-]{36})/[a-z-]+$");
    String url =
        waiting()
            .withMessage("the UI opens the rollout's latest run")
            .until(
                d -> {
                  Matcher m = run.matcher(d.getCurrentUrl());
                  return m.matches() ? m.group(1) : null;
                });
    return url;
  }

  /**
   * The displayed one of the elements matching {@code css} (the UI keeps hidden copies of menus).
   */
  private WebElement visible(String css) {
    return driver.findElements(By.cssSelector(css)).stream()
        .filter(WebElement::isDisplayed)
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no visible " + css));
  }

  /**
   * Waits for the rendered markdown of one of the User Metadata tab's iframes ({@code
   * #user-metadata-summary}, {@code -details}, {@code -current-details}) to satisfy the condition.
   * The current details are fetched once per page load and again when R is pressed, which the wait
   * does every few seconds.
   */
  private String frameText(String frameId, Predicate<String> condition) {
    String[] last = {"(not rendered)"};
    Instant[] pressed = {Instant.now()};
    try {
      return waiting()
          .withMessage(() -> "#" + frameId + " never showed the expected text; last: " + last[0])
          .until(
              d -> {
                d.switchTo().defaultContent();
                if (Duration.between(pressed[0], Instant.now()).toSeconds() >= 4) {
                  d.findElement(By.tagName("body")).sendKeys("r");
                  pressed[0] = Instant.now();
                }
                d.switchTo().frame(d.findElement(By.id(frameId)));
                String text =
                    d.findElement(By.tagName("body")).getText().replaceAll("\\s+", " ").strip();
                d.switchTo().defaultContent();
                last[0] = text;
                return condition.test(text) ? text : null;
              });
    } finally {
      driver.switchTo().defaultContent();
    }
  }

  /**
   * Clicks through the UI's own flow: More Actions, Send a Signal, the signal's name from the list
   * the worker offers (the workflow's metadata query), the input typed into the JSON editor,
   * Submit. Done from the Event History tab: on the User Metadata tab the page's R shortcut
   * (refresh) swallows every "r" typed into the dialog's editor.
   */
  private void sendSignalFromUi(String runUrl, String signal, String input, String screenshot)
      throws IOException {
    driver.get(runUrl + "/history");
    WebDriverWait wait = waiting();
    wait.withMessage("More Actions, Send a Signal")
        .until(
            d -> {
              openMenu(visible("button[aria-controls='workflow-actions']"));
              return visible("[data-testid='signal-button']");
            })
        .click();
    String dialog = "dialog[open][data-testid='signal-confirmation-modal']";
    wait.withMessage("the Send a Signal dialog").until(d -> visible(dialog));
    // The names come from the worker's answer to __temporal_workflow_metadata.
    By option =
        By.xpath(
            "//dialog[@open][@data-testid='signal-confirmation-modal']//ul[@id='signal-select-select']"
                + "/li[@role='option'][normalize-space(.)='"
                + signal
                + "']");
    wait.withMessage("the signal " + signal + " offered in the dialog")
        .until(
            d -> {
              List<WebElement> shown =
                  d.findElements(option).stream().filter(WebElement::isDisplayed).toList();
              if (shown.isEmpty()) {
                openMenu(visible(dialog + " [data-testid='signal-select-button']"));
                return false;
              }
              shown.get(0).click();
              return true;
            });
    wait.withMessage("the signal name chosen")
        .until(d -> signal.equals(visible(dialog + " #signal-select").getAttribute("value")));
    WebElement editor = visible(dialog + " [role='textbox'][contenteditable='true']");
    editor.click();
    editor.sendKeys(input);
    JsonNode expected = JSON.readTree(input);
    String[] typed = {""};
    wait.withMessage(() -> "the input in the editor; it holds: " + typed[0])
        .until(
            d -> {
              typed[0] = visible(dialog + " [role='textbox'][contenteditable='true']").getText();
              try {
                return expected.equals(JSON.readTree(typed[0]));
              } catch (IOException notJsonYet) {
                return false;
              }
            });
    shot(screenshot);
    visible(dialog + " [data-testid='confirm-modal-button']").click();
    // The dialog closes when the server took the signal; an error stays in it, shown as an alert.
    String[] alert = {""};
    wait.withMessage(() -> "the dialog closes after Submit; alert: " + alert[0])
        .until(
            d -> {
              List<WebElement> open = d.findElements(By.cssSelector(dialog));
              if (open.isEmpty()) {
                return true;
              }
              alert[0] =
                  open.get(0).findElements(By.cssSelector("p[role='alert']")).stream()
                      .map(WebElement::getText)
                      .reduce("", String::concat);
              return false;
            });
  }

  /** Clicks a menu button unless its menu is open already (a second click would close it). */
  private static void openMenu(WebElement button) {
    if (!"true".equals(button.getAttribute("aria-expanded"))) {
      button.click();
    }
  }

  /** A Keyword condition as the UI writes it: {@code `Name`="value"}. */
  private static String q(String attribute, String value) {
    return "`" + attribute + "`=\"" + value + "\"";
  }

  private List<String> expectList(String query, Set<String> expected, String screenshot)
      throws IOException {
    return expectList(
        query,
        ids -> new TreeSet<>(ids).equals(new TreeSet<>(expected)) && ids.size() == expected.size(),
        "exactly " + new TreeSet<>(expected),
        screenshot);
  }

  /**
   * Opens the workflow list with the visibility query in the URL, the way the UI writes it ({@code
   * ?query=} form-encoded: {@code %60AmbleWorkspace%60%3D%22ws%22+AND+...}), checks that the UI
   * took the query (a filter chip for each attribute) and waits until the listed workflow IDs and
   * the UI's count satisfy the condition (reloading now and then: the list does not poll).
   */
  private List<String> expectList(
      String query, Predicate<List<String>> condition, String what, String screenshot)
      throws IOException {
    String url = NAMESPACE_WORKFLOWS + "?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    driver.get(url);
    Instant[] loaded = {Instant.now()};
    String[] last = {"(nothing listed)"};
    List<String> ids =
        waiting()
            .withMessage(
                () -> "the list for " + query + " never held " + what + "; it held " + last[0])
            .until(
                d -> {
                  if (Duration.between(loaded[0], Instant.now()).toSeconds() >= 5) {
                    d.navigate().refresh();
                    loaded[0] = Instant.now();
                    return null;
                  }
                  List<String> listed = listedIds();
                  String count =
                      d.findElement(By.cssSelector("[data-testid='workflow-count']"))
                          .getText()
                          .strip();
                  boolean empty =
                      !d.findElements(By.xpath("//*[normalize-space(.)='No Workflows Found']"))
                          .isEmpty();
                  last[0] =
                      listed + " (count " + count + (empty ? ", No Workflows Found" : "") + ")";
                  boolean settled =
                      listed.isEmpty()
                          ? empty && count.equals("0")
                          : count.equals(Integer.toString(listed.size()));
                  return settled && condition.test(listed) ? listed : null;
                });
    // The UI parsed the query into its filter chips (one per attribute), as if typed by hand.
    for (Matcher m = Pattern.compile("`(\\w+)`=\"([^\"]*)\"").matcher(query); m.find(); ) {
      String attribute = m.group(1);
      String value = m.group(2);
      List<WebElement> chips =
          driver.findElements(
              By.cssSelector("[data-testid^='dropdown-filter-chip-" + attribute + "-']"));
      assertFalse(chips.isEmpty(), "no filter chip for " + attribute + " in " + query);
      String shown =
          String.join(
              " ",
              driver
                  .findElements(
                      By.xpath("//button[contains(normalize-space(.), '" + attribute + "')]"))
                  .stream()
                  .map(WebElement::getText)
                  .toList());
      assertTrue(
          shown.replaceAll("\\s+", "").contains(attribute + "=\"" + value + "\""),
          "filter chips show: " + shown);
    }
    assertTrue(driver.getCurrentUrl().contains("query="), driver.getCurrentUrl());
    if (screenshot != null) {
      shot(screenshot);
    }
    return ids;
  }

  /** The Workflow ID column of the list's rows. */
  @SuppressWarnings("unchecked")
  private List<String> listedIds() {
    Object ids =
        ((JavascriptExecutor) driver)
            .executeScript(
                "return [...document.querySelectorAll(\"tr[data-testid='workflows-summary-configurable-table-row']\")]"
                    + ".map(r => [...r.querySelectorAll('a')].map(a => a.textContent.trim()).find(t => t.startsWith('amble/')) || '?')");
    return new ArrayList<>((List<String>) ids);
  }

  private void shot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name), png);
  }

  // ---------------------------------------------------------------- the rest

  private static Optional<JsonNode> lastSteering(JsonNode status, String kind) {
    JsonNode found = null;
    for (JsonNode act : status.path("steering")) {
      if (act.path("kind").asText().equals(kind)) {
        found = act;
      }
    }
    return Optional.ofNullable(found);
  }

  private static String encodePath(String workflowId) {
    return URLEncoder.encode(workflowId, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static <T> Set<T> union(Set<T> a, Set<T> b) {
    Set<T> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
