package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.Chromium;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * Logging in to the page with an XMPP account (XEP-0070), in Debian's chromium, with the owner's XMPP app played by
 * slixmpp and its own XEP-0070 plugin: a confirmed login shows the page, a denied or unanswered one leaves the browser
 * logged out, and a stranger's JID is never sent a request (the page looks the same to whoever typed it).
 */
class LoginByXmppBrowserTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("alice").withAccount("bob")
            .withAccount("mallory");

    @TempDir
    Path dir;

    private Gateway gateway;
    private ChromeDriver browser;
    private Process app;
    private final List<String> appLines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("page.password"), "for scripts only\n");
        gateway = prosody.startGateway(dir, """
                    node-prefix: login/
                access:
                  owners: [ alice@localhost ]
                  readers: [ bob@localhost ]
                things:
                  - id: shed
                    driver: gpio
                    platform: mock
                    outputs: [ { name: pump, pin: 22, safe: off } ]
                  - id: tank
                    driver: simulated
                    interval: 500ms
                    fields:
                      - { name: level, unit: cm, waveform: sine, min: 0, max: 200, period: 1m, decimals: 1 }
                http:
                  enabled: true
                  port: 0
                  password-file: page.password
                  login-timeout: 8s
                """);
        browser = Chromium.headless();
    }

    @AfterEach
    void stop() throws Exception {
        stopApp();
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close(); // The next test's gateway takes the same account and resource.
        }
    }

    @Test
    void aConfirmedLoginShowsThePage() throws Exception {
        logInConfirmed("alice");
        assertThat(browser.manage().getCookieNamed(RequestGuard.SESSION_COOKIE).isHttpOnly()).isTrue();

        browser.findElement(By.id("logout")).click();
        Await.until("back at the login form", Await.GENEROUS, () -> browser.getCurrentUrl().endsWith("/login"));
        browser.get(page("/"));
        assertThat(browser.getCurrentUrl()).as("logged out for good").endsWith("/login");
    }

    @Test
    void aDeniedOrUnansweredLoginLeavesTheBrowserLoggedOut() throws Exception {
        startApp("alice", "deny");
        awaitAsked(logIn("alice@localhost"));
        assertLoggedOutAfterwards();

        stopApp();
        startApp("alice", "ignore");
        awaitAsked(logIn("alice@localhost"));
        assertLoggedOutAfterwards(); // Once the 8 s are over.
    }

    @Test
    void aStrangersJidIsNeverSentARequest() throws Exception {
        startApp("mallory", "accept");
        String code = logIn("mallory@localhost");
        assertThat(browser.findElement(By.id("state")).getText()).startsWith("Waiting for your confirmation");
        assertLoggedOutAfterwards();
        assertThat(appLines).as("mallory's app got nothing for " + code).noneMatch(l -> l.startsWith("confirm"));
    }

    @Test
    void anOwnerSetsAChannelFromThePageAndAReaderOrAForgedFormCannot() throws Exception {
        logInConfirmed("alice");
        org.openqa.selenium.WebElement form = browser.findElement(By.cssSelector("form[data-control='shed/pump']"));
        assertThat(form.findElement(By.name("value")).getAttribute("placeholder")).isEqualTo("on or off");
        form.findElement(By.name("value")).sendKeys("on");
        form.findElement(By.tagName("button")).click();
        Await.until("the outcome", Await.GENEROUS, () -> !browser.findElements(By.id("outcome")).isEmpty());
        assertThat(browser.findElement(By.id("outcome")).getText()).isEqualTo("Done: shed pump = on.");
        Await.until("the pump on", Await.GENEROUS, () -> gateway.bus().latest().field("shed", "pump")
                .map(r -> r.field().value().toString().contains("true")).orElse(false));

        // The same session, but a form that does not carry its token (as one posted from another site would not).
        String session = browser.manage().getCookieNamed(RequestGuard.SESSION_COOKIE).getValue();
        java.net.http.HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(page("/set"))).header("Cookie", RequestGuard.SESSION_COOKIE + "=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("thing=shed&channel=pump&value=off&token=guess")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(gateway.bus().latest().field("shed", "pump").map(r -> r.field().value().toString()).orElse("")).contains("true");

        stopApp();
        logInConfirmed("bob");
        assertThat(browser.findElements(By.id("controls"))).as("a reader sees values only").isEmpty();
    }

    /** {@code user}'s app accepts; the browser logs in and shows the status page. */
    private void logInConfirmed(String user) throws Exception {
        startApp(user, "accept");
        awaitAsked(logIn(user + "@localhost"));
        Await.until("the status page", Await.GENEROUS, () -> browser.getCurrentUrl().endsWith("/") && browser.getPageSource().contains("tank"));
    }

    private void awaitAsked(String code) throws InterruptedException {
        Await.until("the app asked to confirm " + code, Await.GENEROUS, () -> appLines.contains("confirm " + code + " via iq"));
    }

    /** The page says the login was not confirmed, and the browser is still sent to the login form. */
    private void assertLoggedOutAfterwards() throws InterruptedException {
        Await.until("'not confirmed' on the page", Await.GENEROUS, () -> browser.findElement(By.id("state")).getText().startsWith("Not confirmed"));
        browser.get(page("/"));
        assertThat(browser.getCurrentUrl()).endsWith("/login");
    }

    /** Opens the page, is sent to the login form, logs in as {@code jid}; returns the code the page shows. */
    private String logIn(String jid) throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(page("/"));
        Await.until("the login form", Await.GENEROUS, () -> browser.getCurrentUrl().endsWith("/login"));
        browser.findElement(By.id("jid")).sendKeys(jid);
        browser.findElement(By.id("login")).click();
        Await.until("the code on the page", Await.GENEROUS, () -> !browser.findElements(By.id("code")).isEmpty());
        String code = browser.findElement(By.id("code")).getText();
        assertThat(code).matches("[A-Z2-9]{6}");
        return code;
    }

    private String page(String path) {
        return "http://127.0.0.1:" + gateway.localViews().address().getPort() + path;
    }

    private void startApp(String user, String mode) throws Exception {
        appLines.clear();
        Path script = Path.of("src", "test", "python", "confirm_login.py").toAbsolutePath();
        app = new ProcessBuilder("/usr/bin/python3", script.toString(), user + "@localhost", prosody.password(user), "127.0.0.1:" + prosody.port(),
                "gateway@localhost", mode).redirectError(dir.resolve(user + "-" + mode + ".err").toFile()).start();
        Process mine = app;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(mine.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(appLines::add);
            } catch (java.io.IOException ended) {
                // The app was stopped.
            }
        }, "app-output");
        reader.setDaemon(true);
        reader.start();
        Await.until(user + "'s app online and sharing presence with the gateway", Duration.ofSeconds(60),
                () -> appLines.stream().anyMatch(l -> l.startsWith("ready")));
        if (!user.equals("mallory")) {
            assertThat(appLines).contains("ready both");
        }
    }

    private void stopApp() throws InterruptedException {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(10, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
            app = null;
        }
    }
}
