package org.xmppiot.gateway.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.Gateway;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.testing.ProsodyExtension;
import org.xmppiot.gateway.testing.Subscriptions;

/**
 * What a subscriber of a node receives: measurements, and a status reading whenever the thing's status changes,
 * which a watcher for measurements leaves out.
 */
class StatusOnTheNodeTest {

    @RegisterExtension
    static final ProsodyExtension prosody = new ProsodyExtension("gateway").withAccount("gateway").withAccount("reader");

    @TempDir
    Path dir;

    @Test
    void aStatusChangeReachesSubscribersAsAStatusReadingAndAMeasurementsWatcherLeavesItOut() throws Exception {
        Gateway gateway = prosody.startGateway(dir, """
                access:
                  readers: [ reader@localhost ]
                things:
                  - { id: t, driver: simulated, interval: 100ms, fields: [ { name: v } ] }
                """);
        Await.until("items on the node", () -> Subscriptions.nodeHasItems(prosody, dir, "gateway/t"));
        XmppConfig reader = GatewayConfigLoader.loadXmpp(prosody.writeConfig(dir, "reader", ""));
        List<Reading> everything = new CopyOnWriteArrayList<>();
        List<Reading> measurements = new CopyOnWriteArrayList<>();
        try (ReadingWatcher all = new ReadingWatcher(reader, everything::add);
             ReadingWatcher values = ReadingWatcher.measurements(reader, measurements::add)) {
            all.start(List.of("gateway/t"));
            values.start(List.of("gateway/t"));
            Await.until("both watchers hear measurements", () -> everything.size() >= 3 && measurements.size() >= 3);

            // As a driver reports it: the thing stays online, with a note.
            gateway.things().status("t", ThingStatus.online(ThingStatus.Detail.BAD_DATA, "calibrating"));
            Await.until("the status reading at the watcher", () -> everything.stream().anyMatch(Reading::isStatus));
            int heard = measurements.size();
            Await.until("measurements after the status change", () -> measurements.size() >= heard + 3);

            Reading status = everything.stream().filter(Reading::isStatus).findFirst().orElseThrow();
            assertThat(ReadingFormatter.format(status)).matches("\\S+Z t status=\"online: calibrating\"");
            assertThat(everything).filteredOn(r -> !r.isStatus()).allMatch(r -> r.field("v") != null);
            assertThat(measurements).isNotEmpty().noneMatch(Reading::isStatus).allMatch(r -> r.field("v") != null);
        }
    }
}
