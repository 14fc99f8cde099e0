package org.xmppiot.core.thing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Channel;
import org.xmppiot.core.model.Command;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.core.spi.CommandRejectedException;
import org.xmppiot.core.spi.Driver;
import org.xmppiot.core.spi.ReadingSink;
import org.xmppiot.core.testing.RecordingSink;

class ThingRegistryTest {

    private final RecordingSink bus = new RecordingSink();
    private final ThingRegistry registry = new ThingRegistry(bus);

    /** A driver with a dimmer (0..100 %) and a read-only lamp sensor; it keeps what it was told to set. */
    private static final class Dimmer implements Driver {
        final List<Command> done = new ArrayList<>();
        ReadingSink sink;
        boolean closed;

        @Override
        public void start(ReadingSink sink) {
            this.sink = sink;
            sink.status("hall", ThingStatus.online());
        }

        @Override
        public List<Channel> channels() {
            return List.of(Channel.number("level", "%", 0).settable(BigDecimal.ZERO, BigDecimal.valueOf(100)), Channel.bool("lit"));
        }

        @Override
        public void execute(Command command) {
            done.add(command);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ThingConfig thing(String id) {
        return new ThingConfig(id, "The " + id, "test", ConfigNode.emptyMap("test.yaml", "things[0]"));
    }

    private static Command set(String field, FieldValue value) {
        return new Command("hall", field, value, "owner@example.org");
    }

    @Test
    void aStatusChangeIsRecordedAndPutOnTheBusOnceNumberedApartFromTheDriversReadings() {
        Dimmer driver = new Dimmer();
        registry.add(thing("hall"), driver);
        assertThat(registry.thing("hall").orElseThrow().status()).isEqualTo(ThingStatus.starting());
        registry.start("hall");
        registry.status("hall", ThingStatus.online()); // Said again: no news.
        registry.status("hall", ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, "bus 1 does not answer"));

        assertThat(registry.thing("hall").orElseThrow().status()).isEqualTo(ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, "bus 1 does not answer"));
        assertThat(bus.readings()).hasSize(2);
        assertThat(bus.readings()).extracting(r -> r.sequence()).containsExactly(-1L, -2L);
        var offline = bus.readings().get(1).field(ThingRegistry.STATUS_FIELD);
        assertThat(offline.value()).isEqualTo(new FieldValue.StringValue("offline: bus 1 does not answer"));
        assertThat(offline.category()).isEqualTo(Category.STATUS);
        assertThat(offline.quality()).contains(Quality.ERROR);
    }

    @Test
    void commandsAreCheckedAgainstTheDeclaredChannelsBeforeTheDriverSeesThem() throws Exception {
        Dimmer driver = new Dimmer();
        registry.add(thing("hall"), driver);
        registry.start("hall");

        registry.execute(set("level", new FieldValue.StringValue("40")));
        CommandRejectedException tooHigh = assertThrows(CommandRejectedException.class, () -> registry.execute(set("level", new FieldValue.StringValue("150"))));
        assertThat(tooHigh.reason()).isEqualTo(CommandRejectedException.Reason.BAD_VALUE);
        assertThat(tooHigh.getMessage()).isEqualTo("'level' of hall takes 0 to 100 %, not 150");
        CommandRejectedException readOnly = assertThrows(CommandRejectedException.class, () -> registry.execute(set("lit", new FieldValue.BooleanValue(true))));
        assertThat(readOnly.reason()).isEqualTo(CommandRejectedException.Reason.READ_ONLY);
        CommandRejectedException unknown = assertThrows(CommandRejectedException.class, () -> registry.execute(set("colour", new FieldValue.StringValue("red"))));
        assertThat(unknown.getMessage()).isEqualTo("thing 'hall' has no 'colour'; it can set level");
        CommandRejectedException noThing = assertThrows(CommandRejectedException.class,
                () -> registry.execute(new Command("attic", "level", new FieldValue.StringValue("1"), "owner@example.org")));
        assertThat(noThing.reason()).isEqualTo(CommandRejectedException.Reason.UNKNOWN_THING);

        assertThat(driver.done).extracting(Command::field).containsExactly("level");
    }

    @Test
    void aRemovedThingIsStoppedAndForgottenAndItsLateReportsChangeNothing() {
        Dimmer driver = new Dimmer();
        registry.add(thing("hall"), driver);
        registry.start("hall");
        assertThat(registry.remove("hall")).isPresent();
        assertThat(driver.closed).isTrue();
        driver.sink.status("hall", ThingStatus.offline(ThingStatus.Detail.NO_ANSWER, "gone"));
        assertThat(registry.ids()).isEmpty();
        assertThat(bus.readings()).hasSize(1); // Only the "online" of its start.
    }

    @Test
    void disabledAndDiscoveredThingsAreListedAfterNoneIsStarted() {
        registry.addDisabled(thing("spare"), "enabled: false in the configuration");
        registry.addDiscovered("kitchen-sensor", "Kitchen Sensor");
        registry.add(thing("hall"), new Dimmer());
        registry.status("spare", ThingStatus.online()); // A disabled thing stays disabled.

        assertThat(registry.things()).extracting(Thing::id).containsExactly("spare", "hall", "kitchen-sensor");
        assertThat(registry.thing("spare").orElseThrow().status().state()).isEqualTo(ThingStatus.State.DISABLED);
        assertThat(registry.title("kitchen-sensor")).isEqualTo("Kitchen Sensor");
        assertThrows(IllegalStateException.class, () -> registry.add(thing("hall"), new Dimmer()));
    }

    @Test
    void readingsAreNumberedPerThingOnFromWhatAnEarlierRunLeftWhateverTheDriversCount() {
        registry.status("hall", ThingStatus.online()); // Not registered: ignored, numbers nothing.
        registry.accept(reading("hall", 1));
        registry.continueSequences(thing -> thing.equals("hall") ? new long[] {500, -7} : new long[] {40, 0});
        registry.accept(reading("hall", 1)); // A driver that started again counts from 1.
        registry.accept(reading("porch", 1));
        registry.accept(reading("porch", 99));
        assertThat(bus.readings()).extracting(r -> r.thingId() + "#" + r.sequence())
                .containsExactly("hall#1", "hall#501", "porch#41", "porch#42");
    }

    private static org.xmppiot.core.model.Reading reading(String thing, long driverSequence) {
        return new org.xmppiot.core.model.Reading(thing, driverSequence, java.time.Instant.parse("2026-12-03T10:00:00Z"),
                List.of(org.xmppiot.core.model.Field.readout("level", new org.xmppiot.core.model.FieldValue.NumericValue(BigDecimal.ONE, "%"))));
    }
}
