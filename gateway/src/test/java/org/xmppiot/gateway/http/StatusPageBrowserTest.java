package org.xmppiot.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.testing.Chromium;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/**
 * The status page in a real browser (Debian's chromium, headless, through its chromedriver): a thing's value
 * changes on the page without a reload, a serial thing whose port vanished shows offline with its reason, and
 * the chart of the last hour is drawn. Leaves a screenshot in target/ for the README.
 */
class StatusPageBrowserTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway");

    @TempDir
    Path dir;

    private static ChromeDriver browser() {
        return Chromium.headless("--window-size=1000,1400");
    }

    @Test
    void thePageFollowsTheThingsWithoutAReload() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            Gateway g = prosody.startGateway(dir, """
                        node-prefix: page/
                    things:
                      - id: greenhouse
                        name: Greenhouse
                        driver: simulated
                        interval: 300ms
                        fields:
                          - { name: temperature, unit: "°C", waveform: sine, min: 15, max: 25, period: 20s, decimals: 2 }
                      - id: bench
                        driver: serial
                        port: %s
                        mapping: { type: csv, fields: [ { name: t, column: 1, unit: "°C" } ] }
                    http:
                      enabled: true
                      port: 0
                    """.formatted(device.port()));
            try (g) {
                Await.until("some history for the chart", () -> g.storeWriter().taken() >= 10);
                Await.until("the serial thing online", () -> g.things().thing("bench").orElseThrow().status().isOnline());
                ChromeDriver page = browser();
                try {
                    page.get("http://127.0.0.1:" + g.localViews().address().getPort() + "/");
                    ((JavascriptExecutor) page).executeScript("window.notReloaded = true;");
                    By value = By.cssSelector("[data-thing='greenhouse'] [data-field='temperature'] .value");
                    String first = page.findElement(value).getText();
                    assertThat(first).matches("\\d+\\.\\d\\d °C");
                    Await.until("a new value on the page", Duration.ofSeconds(60), () -> !page.findElement(value).getText().equals(first));
                    assertThat(((JavascriptExecutor) page).executeScript("return window.notReloaded === true;")).isEqualTo(true);

                    WebElement line = page.findElement(By.cssSelector("[data-chart-thing='greenhouse'][data-chart-field='temperature'] svg polyline"));
                    assertThat(line.getAttribute("points").trim().split(" ")).hasSizeGreaterThanOrEqualTo(3);

                    device.unplug();
                    By status = By.cssSelector("[data-thing='bench'] .status");
                    Await.until("the serial thing offline on the page", Duration.ofSeconds(60),
                            () -> page.findElement(status).getText().matches("offline: (device gone|no device at ).*"));
                    assertThat(page.findElement(status).getAttribute("class")).contains("offline");
                    assertThat(((JavascriptExecutor) page).executeScript("return window.notReloaded === true;")).isEqualTo(true);

                    Files.createDirectories(Path.of("target"));
                    Files.write(Path.of("target", "status-page.png"), page.getScreenshotAs(OutputType.BYTES));
                } finally {
                    page.quit();
                }
            }
        }
    }
}
