package org.xmppiot.gateway.testing;

import java.nio.file.Path;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's chromium, headless, through Debian's chromedriver: named explicitly, so nothing is looked up or downloaded. */
public final class Chromium {

    private Chromium() {
    }

    public static ChromeDriver headless(String... moreArguments) {
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                "--disable-background-networking");
        options.addArguments(moreArguments);
        return new ChromeDriver(service, options);
    }
}
