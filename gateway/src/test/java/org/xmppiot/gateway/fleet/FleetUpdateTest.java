package org.xmppiot.gateway.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.xmppiot.core.spi.DriverRegistry;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.GatewaySupervisor;
import org.xmppiot.gateway.cli.Main;
import org.xmppiot.gateway.testing.ProsodyExtension;

/**
 * {@code fleet update} against four gateways, one of them a canary: the gateways' side of an update (the ad-hoc command,
 * the request file, the health file, the outcome in the fleet status and by chat) on a real server, with the package's
 * update helper played by this test as the helper's contract says (take the request, write "updating", restart the
 * service, wait for the new process to say it is healthy, write the outcome). The helper itself, with systemd and apt,
 * is tested in a virtual machine (deploy/raspberry-pi/test/update.sh).
 */
class FleetUpdateTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gw1", "gw2", "gw3", "gw4")
            .withAccount("gw1").withAccount("gw2").withAccount("gw3").withAccount("gw4").withAccount("owner");

    @TempDir
    Path dir;

    private final Map<String, GatewaySupervisor> running = new ConcurrentHashMap<>();
    private final List<Thread> helpers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        helpers.forEach(Thread::interrupt);
        for (Thread t : helpers) {
            t.join(10_000);
        }
        running.values().forEach(GatewaySupervisor::close);
    }

    private static final String THINGS = """
            access:
              %s: [ owner@localhost ]
            things:
              - { id: tank, driver: simulated, fields: [ { name: level } ] }
            """;

    private GatewaySupervisor start(String account, String role, String failWith) throws Exception {
        Path home = Files.createDirectories(dir.resolve(account));
        Path update = Files.createDirectories(home.resolve("update"));
        Path config = prosody.writeConfig(home, account, THINGS.formatted(role));
        GatewaySupervisor s = new GatewaySupervisor(config, DriverRegistry.fromClassPath());
        running.put(account, s);
        s.start();
        assertThat(s.current().uplink().awaitReady(Await.GENEROUS)).as(s.current().uplink().lastFailure()).isNotNull();
        Thread helper = new Thread(() -> playHelper(account, config, update, failWith), "helper-" + account);
        helper.setDaemon(true);
        helper.start();
        helpers.add(helper);
        return s;
    }

    /**
     * The helper's contract: takes {@code request}, writes {@code result} "updating", restarts the service, and once the
     * new process wrote {@code healthy} writes the outcome: updated, or (for version {@code failWith}) rolled back.
     */
    private void playHelper(String account, Path config, Path update, String failWith) {
        String installed = "0.1.0";
        int attempt = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Path request = update.resolve("request");
                if (!Files.exists(request)) {
                    Thread.sleep(100);
                    continue;
                }
                String version = Files.readString(request, StandardCharsets.UTF_8).strip();
                Files.delete(request);
                String id = account + "-" + ++attempt;
                result(update, id, "updating", installed, version, "Updating from " + installed + " to " + version + ".");
                Files.deleteIfExists(update.resolve("healthy"));
                running.remove(account).close();
                GatewaySupervisor next = new GatewaySupervisor(config, DriverRegistry.fromClassPath());
                running.put(account, next);
                next.start();
                Await.until(account + " healthy after the restart", java.time.Duration.ofMinutes(2), () -> Files.exists(update.resolve("healthy")));
                if (version.equals(failWith)) {
                    result(update, id, "rolled-back", installed, version, "Rolled back from " + version + " to " + installed
                            + ": not connected and publishing within 180 s.");
                } else {
                    result(update, id, "updated", installed, version, "Updated from " + installed + " to " + version + ".");
                    installed = version;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void result(Path update, String id, String outcome, String from, String to, String text) throws Exception {
        Path tmp = update.resolve(".result.tmp");
        Files.writeString(tmp, "id=" + id + "\noutcome=" + outcome + "\nfrom=" + from + "\nto=" + to + "\ntext=" + text + "\n");
        Files.move(tmp, update.resolve("result"), java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private record Run(int exit, String out) {
    }

    private Run update(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("fleet", "update", "-c", prosody.writeConfig(dir, "owner", "").toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out + err.toString());
    }

    @Test
    void canaryFirstThenTheRestEachWithItsOutcomeAndABadVersionRolledBackStopsTheRest() throws Exception {
        XMPPTCPConnection phone = prosody.connection(dir, "owner", "phone");
        List<String> chat = new CopyOnWriteArrayList<>();
        phone.addAsyncStanzaListener(s -> chat.add(s.getFrom().asBareJid() + " " + ((Message) s).getBody()),
                s -> s instanceof Message m && m.getBody() != null && m.getBody().startsWith("Update: "));
        phone.connect().login();
        try {
            start("gw1", "owners", "0.3.0");
            start("gw2", "owners", "0.3.0");
            start("gw3", "readers", "0.3.0"); // refuses: the owner account may only read it
            start("gw4", "owners", "0.3.0").close(); // unreachable

            Run r = update("0.2.0", "--canary", "gw1@localhost", "--to", "gw2@localhost", "gw3@localhost", "gw4@localhost",
                    "--soak", "3s", "--wait", "3m");
            assertThat(r.exit()).as(r.out()).isEqualTo(1);
            assertThat(r.out().lines()).as(r.out())
                    .contains("canaries first: gw1@localhost")
                    .anyMatch(l -> l.startsWith("gw1@localhost: accepted: Update to 0.2.0 requested"))
                    .contains("gw1@localhost: updated: Updated from 0.1.0 to 0.2.0.")
                    .contains("canaries updated; watching them for 3 s")
                    .contains("gw2@localhost: updated: Updated from 0.1.0 to 0.2.0.")
                    .anyMatch(l -> l.startsWith("gw3@localhost: refused: the gateway answered forbidden"))
                    .anyMatch(l -> l.startsWith("gw4@localhost: unreachable: "))
                    .contains("2 of 4 updated to 0.2.0.");
            assertThat(r.out().indexOf("gw1@localhost: updated")).as("the canary's outcome before the rest are asked")
                    .isLessThan(r.out().indexOf("gw2@localhost: accepted"));
            Await.until("each owner told by chat", () -> chat.contains("gw1@localhost Update: Updated from 0.1.0 to 0.2.0.")
                    && chat.contains("gw2@localhost Update: Updated from 0.1.0 to 0.2.0."));
            assertThat(running.get("gw1").current().status()).contains("Last update: Updated from 0.1.0 to 0.2.0.");

            // A version that fails its health gate on the canary: rolled back, the reason reported, the rest not asked.
            Run bad = update("0.3.0", "--canary", "gw1@localhost", "--to", "gw2@localhost", "--soak", "3s", "--wait", "3m");
            assertThat(bad.exit()).as(bad.out()).isEqualTo(1);
            assertThat(bad.out().lines()).as(bad.out())
                    .contains("gw1@localhost: rolled back: Rolled back from 0.3.0 to 0.2.0: not connected and publishing within 180 s.")
                    .contains("gw2@localhost: not asked: canary gw1@localhost did not update (rolled back)")
                    .contains("0 of 2 updated to 0.3.0.");
            Await.until("the owner told of the rollback", () -> chat.contains(
                    "gw1@localhost Update: Rolled back from 0.3.0 to 0.2.0: not connected and publishing within 180 s."));

            // Not a version: refused by the gateway before anything happens.
            Run odd = update("1.0; rm -rf /", "--to", "gw2@localhost", "--wait", "10s");
            assertThat(odd.out()).contains("gw2@localhost: refused: Not updated: '1.0; rm -rf /' is not a package version");
            assertThat(Files.exists(dir.resolve("gw2/update/request"))).isFalse();
        } finally {
            phone.disconnect();
        }
    }
}
