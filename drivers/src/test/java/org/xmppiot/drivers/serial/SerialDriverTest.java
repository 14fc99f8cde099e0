package org.xmppiot.drivers.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.xmppiot.core.testing.Await;
import org.junit.jupiter.api.io.TempDir;
import org.xmppiot.core.config.ConfigException;
import org.xmppiot.core.config.ConfigNode;
import org.xmppiot.core.config.ThingConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.model.ThingStatus;
import org.xmppiot.simulators.serial.SerialDeviceSimulator;

/** The serial driver against real pseudo-terminals from socat. */
class SerialDriverTest {

    @TempDir
    Path dir;

    private SerialDriver driver(Path port, String mapping) throws ConfigException {
        ConfigNode section = YamlConfigReader.read("thing.yaml", "id: bench\nport: " + port + "\nbaud: 115200\n" + mapping);
        return (SerialDriver) new SerialDriverFactory().create(new ThingConfig("bench", "bench", "serial", section));
    }

    /** Lines such as {@code frame 7 value=1.5}: fields {@code n} and {@code v}. */
    static final String FRAME_MAPPING = """
            mapping:
              type: regex
              pattern: '^frame (?<n>\\d+) value=(?<v>-?\\d+\\.\\d)$'
              fields:
                - { name: n, type: integer }
                - { name: v, unit: V }
            """;

    /** The thing's statuses, in order, as the driver reported them. Filled by {@link #measurementsTo}. */
    private final List<ThingStatus> portStates = new CopyOnWriteArrayList<>();
    /** Readings that only repeat the last values marked missing, sent when the device went away. */
    private final List<Reading> markedMissing = new CopyOnWriteArrayList<>();

    /** Readings of the device go to {@code got}, statuses to {@link #portStates}, last values marked missing to {@link #markedMissing}. */
    private org.xmppiot.core.spi.ReadingSink measurementsTo(List<Reading> got) {
        return new org.xmppiot.core.spi.ReadingSink() {
            @Override
            public void accept(Reading r) {
                boolean missing = r.fields().stream().allMatch(f -> f.quality().contains(Quality.MISSING));
                (missing ? markedMissing : got).add(r);
            }

            @Override
            public void status(String thingId, ThingStatus status) {
                portStates.add(status);
            }
        };
    }

    private static long number(Reading r) {
        return ((FieldValue.IntegerValue) r.field("n").value()).value();
    }

    @Test
    void linesFromTheDeviceBecomeReadingsWithUnits() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), """
                    mapping:
                      type: csv
                      fields:
                        - { name: temperature, column: 1, unit: "°C" }
                        - { name: humidity, column: 2, unit: "%" }
                    """);
            d.start(measurementsTo(got));
            try {
                Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
                device.send("21.50,40\r\n22.0,41\n\n");
                Await.until("two readings", () -> got.size() >= 2);
                assertThat(got.get(0).thingId()).isEqualTo("bench");
                assertThat(got.get(0).field("temperature").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("21.50"), "°C"));
                assertThat(got.get(1).field("humidity").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("41"), "%"));
                // The thing went online once the port opened; the two readings are numbered in order.
                assertThat(portStates).containsExactly(ThingStatus.online());
                assertThat(got).extracting(Reading::sequence).containsExactly(1L, 2L);
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aBurstLongerThanOneReadArrivesWholeAndInOrder() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), FRAME_MAPPING);
            d.start(measurementsTo(got));
            try {
                Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
                // Several kibibytes at once: more than one read takes, and the kernel's tty buffer holds them all.
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 150; i++) {
                    burst.append("frame ").append(i).append(" value=").append(i % 100).append(".5\n");
                }
                assertThat(burst.length()).isGreaterThan(2 * 1024);
                device.send(burst.toString());
                Await.until("every frame of the burst", () -> got.size() >= 150);
                assertThat(got).extracting(SerialDriverTest::number).containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, 150).boxed().toList());
                assertThat(d.stats().rejected()).isEmpty();
            } finally {
                d.close();
            }
        }
    }

    @Test
    void garbageBetweenFramesIsCountedAndEveryValidFrameIsRead() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), FRAME_MAPPING);
            d.start(measurementsTo(got));
            try {
                Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
                Random random = new Random(42);
                int garbageBytes = 0;
                int frames = 0;
                while (garbageBytes < 100_000) {
                    byte[] garbage = new byte[1 + random.nextInt(2000)];
                    random.nextBytes(garbage);
                    garbageBytes += garbage.length;
                    device.send(garbage);
                    // A frame may be cut short by garbage, but never the frame after the next delimiter.
                    device.send("\nframe " + frames + " value=" + (frames % 100) + ".5\n");
                    frames++;
                }
                int sent = frames;
                Await.until("every valid frame", () -> got.size() >= sent);
                Set<Long> numbers = new HashSet<>();
                for (Reading r : got) {
                    assertThat(numbers.add(number(r))).as("frame %d read twice", number(r)).isTrue();
                }
                assertThat(numbers).hasSize(sent);
                SerialDriver.Stats stats = d.stats();
                assertThat(stats.rejected().values().stream().mapToLong(Long::longValue).sum()).isGreaterThan(0);
                assertThat(stats.rejected()).containsKey("no-match");
                assertThat(stats.port().kind()).isEqualTo(PortState.Kind.CONNECTED);
                System.out.printf("garbage test: %d garbage bytes, %d frames read, rejected %s%n", garbageBytes, sent, stats.rejected());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void everyOneOfAHundredUnplugsRecoversWithoutLeakingThreadsOrFiles() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), FRAME_MAPPING);
            d.start(measurementsTo(got));
            try {
                sendUntilRead(device, got, 0);
                long fdsBefore = openFiles();
                int threadsBefore = threadNames().size();
                long slowest = 0;
                for (int cycle = 1; cycle <= 100; cycle++) {
                    int before = portStates.size();
                    int missingBefore = markedMissing.size();
                    device.unplug();
                    Await.until("the unplug to be noticed", () -> d.stats().port().kind() != PortState.Kind.CONNECTED);
                    // The thing goes offline with the reason, and the last values come once more, marked missing.
                    Await.until("the thing to go offline", () -> portStates.size() > before);
                    ThingStatus away = portStates.get(before);
                    assertThat(away.state()).isEqualTo(ThingStatus.State.OFFLINE);
                    assertThat(away.reason()).startsWith("device gone");
                    Await.until("the last values marked missing", () -> markedMissing.size() > missingBefore);
                    assertThat(markedMissing.get(missingBefore).field("v").quality()).containsExactly(Quality.MISSING);
                    device.replug();
                    long start = System.nanoTime();
                    sendUntilRead(device, got, cycle);
                    assertThat(portStates.get(portStates.size() - 1)).isEqualTo(ThingStatus.online());
                    slowest = Math.max(slowest, System.nanoTime() - start);
                }
                assertThat(d.stats().port().kind()).isEqualTo(PortState.Kind.CONNECTED);
                assertThat(openFiles()).as("open files after 100 replugs").isEqualTo(fdsBefore);
                assertThat(threadNames()).as("threads after 100 replugs").hasSizeLessThanOrEqualTo(threadsBefore);
                System.out.printf("unplug test: 100 cycles, slowest replug-to-reading %d ms%n", slowest / 1_000_000);
            } finally {
                d.close();
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("serial-bench"));
        }
    }

    /** Live threads, without the JDK's pooled process reapers, which linger idle for a while after a process ends. */
    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.startsWith("process reaper")).sorted().toList();
    }

    @Test
    void aPortThatIsNotThereYetIsWaitedFor() throws Exception {
        Path dir2 = dir.resolve("later");
        java.nio.file.Files.createDirectories(dir2);
        List<Reading> got = new CopyOnWriteArrayList<>();
        SerialDriver d = driver(dir2.resolve("ttyUSB-sim"), FRAME_MAPPING);
        d.start(measurementsTo(got));
        try {
            // The status reaches the sink a moment after the driver's own state says so: wait for the sink.
            Await.until("the port to be reported missing", () -> !portStates.isEmpty());
            assertThat(d.stats().port().kind()).isEqualTo(PortState.Kind.WAITING);
            assertThat(portStates).containsExactly(ThingStatus.offline(ThingStatus.Detail.DEVICE_MISSING, "no device at " + dir2.resolve("ttyUSB-sim") + "; waiting for it"));
            try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir2)) {
                sendUntilRead(device, got, 7);
                assertThat(d.stats().port().kind()).isEqualTo(PortState.Kind.CONNECTED);
            }
        } finally {
            d.close();
        }
    }

    /** Plays frame {@code n} every 50 ms until the driver reads it: the device talks whether or not anyone listens. */
    private static void sendUntilRead(SerialDeviceSimulator device, List<Reading> got, long n) throws Exception {
        long deadline = System.nanoTime() + Await.GENEROUS.toNanos();
        while (got.stream().noneMatch(r -> r.field("n").quality().contains(Quality.AUTOMATIC_READOUT) && number(r) == n)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("frame " + n + " was not read within " + Await.GENEROUS.toSeconds() + " s of the replug");
            }
            device.send("frame " + n + " value=1.5\n");
            Thread.sleep(50);
        }
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aStockProfileReadsItsDeviceAndCountsBadPackets() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), "profile: sds011\n");
            d.start(measurementsTo(got));
            try {
                Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
                // The datasheet's sample packet, a corrupted copy, line noise, and the sample again.
                byte[] sample = {(byte) 0xAA, (byte) 0xC0, (byte) 0xD4, 0x04, 0x3A, 0x0A, (byte) 0xA1, 0x60, 0x1D, (byte) 0xAB};
                byte[] corrupted = sample.clone();
                corrupted[3] = 0x05;
                device.send(sample);
                device.send(corrupted);
                device.send(new byte[] {0x00, (byte) 0xAA, 0x13, (byte) 0xFF});
                device.send(sample);
                // Then a last packet (PM2.5 = 0.1) that marks the end: what came before it is all there is.
                byte[] last = {(byte) 0xAA, (byte) 0xC0, 0x01, 0x00, 0x3A, 0x0A, (byte) 0xA1, 0x60, 0, (byte) 0xAB};
                for (int i = 2; i < 8; i++) {
                    last[8] += last[i];
                }
                device.send(last);
                Await.until("the last packet", () -> got.stream().anyMatch(r -> r.field("pm2.5").value()
                        .equals(new FieldValue.NumericValue(new BigDecimal("0.1"), "µg/m³"))));
                assertThat(got).hasSize(3);
                assertThat(got.get(0).field("pm2.5").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("123.6"), "µg/m³"));
                assertThat(got.get(1).field("pm2.5").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("123.6"), "µg/m³"));
                assertThat(got.get(1).field("pm10").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("261.8"), "µg/m³"));
                assertThat(d.stats().rejected()).containsEntry("bad-checksum", 1L).containsKey("skipped-bytes");
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aProfileAndAnOwnMappingDoNotMix() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> driver(Path.of("/dev/null"), "profile: pms5003\nmapping: { type: csv, fields: [ { name: a, column: 1 } ] }\n"));
        assertThat(e.problem()).contains("a profile brings its own framing and mapping");
    }

    /** The MH-Z19B read command and an answer carrying {@code ppm}, laid out as in the datasheet. */
    private static final byte[] READ_CO2 = {(byte) 0xFF, 0x01, (byte) 0x86, 0, 0, 0, 0, 0, 0x79};

    private static byte[] co2Answer(int ppm) {
        byte[] a = {(byte) 0xFF, (byte) 0x86, (byte) (ppm >> 8), (byte) ppm, 0x47, 0, 0, 0, 0};
        int sum = 0;
        for (int i = 1; i < 8; i++) {
            sum += a[i] & 0xff;
        }
        a[8] = (byte) (0x100 - (sum & 0xff));
        return a;
    }

    @Test
    void aPolledSensorIsAskedAgainWhenItDoesNotAnswer() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
            device.answer(bytes -> {
                if (!java.util.Arrays.equals(bytes, READ_CO2)) {
                    return null;
                }
                // Every third request goes unanswered, as a sensor that is busy now and then.
                int n = requests.incrementAndGet();
                return n % 3 == 1 ? null : co2Answer(400 + n);
            });
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), "profile: mhz19b\npoll-interval: 100ms\n");
            d.start(measurementsTo(got));
            try {
                Await.until("five CO2 readings", () -> got.size() >= 5);
                for (Reading r : got) {
                    BigDecimal ppm = ((FieldValue.NumericValue) r.field("co2").value()).value();
                    assertThat(ppm.intValue()).isBetween(401, 499);
                    assertThat(((FieldValue.NumericValue) r.field("co2").value()).unit()).isEqualTo("ppm");
                }
                // Each unanswered request was retried at once, so none ended without an answer.
                assertThat(d.stats().rejected()).doesNotContainKey("no-answer");
                assertThat(requests.get()).isGreaterThan(got.size());
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aSilentPolledSensorIsCountedNotWaitedForForever() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            device.answer(bytes -> null);
            SerialDriver d = driver(device.port(), "profile: mhz19b\npoll-interval: 100ms\n");
            d.start(r -> { });
            try {
                Await.until("a no-answer", () -> d.stats().rejected().getOrDefault("no-answer", 0L) >= 2);
                assertThat(d.stats().port().kind()).isEqualTo(PortState.Kind.CONNECTED);
            } finally {
                d.close();
            }
        }
    }

    @Test
    void onlyPolledDevicesHaveAPollInterval() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> driver(Path.of("/dev/null"), "profile: sds011\npoll-interval: 1s\n"));
        assertThat(e.problem()).contains("sends by itself");
    }

    /**
     * A device of one's own with binary packets, described in config only: AA 55, a length byte
     * (payload bytes), a signed 16-bit temperature in hundredths, a humidity byte, and a checksum
     * byte summing everything after the start bytes.
     */
    private static byte[] ownPacket(int hundredths, int humidity) {
        byte[] p = {(byte) 0xAA, 0x55, 3, (byte) (hundredths >> 8), (byte) hundredths, (byte) humidity, 0};
        int sum = 0;
        for (int i = 2; i < 6; i++) {
            sum += p[i] & 0xff;
        }
        p[6] = (byte) sum;
        return p;
    }

    private static final String OWN_BINARY_DEVICE = """
            framing:
              type: binary
              start: "AA 55"
              length-field: { offset: 2, size: 1, add: 4 }
              checksum: { type: sum, from: 2, size: 1 }
            mapping:
              type: binary
              fields:
                - { name: temperature, position: 3, width: 2, signed: true, scale: 0.01, unit: "°C" }
                - { name: humidity, position: 5, width: 1, unit: "%" }
            """;

    @Test
    void binaryPacketsOfADeviceOfYourOwnAreReadFromItsConfig() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), OWN_BINARY_DEVICE);
            d.start(measurementsTo(got));
            try {
                Await.until("the port to open", () -> d.stats().port().kind() == PortState.Kind.CONNECTED);
                byte[] bad = ownPacket(100, 10);
                bad[6]++;
                java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
                stream.writeBytes(ownPacket(2150, 40));
                stream.writeBytes(bad);
                stream.writeBytes(new byte[] {0x13, 0x37, (byte) 0xAA});
                stream.writeBytes(ownPacket(-525, 99));
                device.send(stream.toByteArray());
                Await.until("two readings", () -> got.size() >= 2);
                assertThat(got.get(0).field("temperature").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("21.50"), "°C"));
                assertThat(got.get(0).field("humidity").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("40"), "%"));
                assertThat(got.get(1).field("temperature").value()).isEqualTo(new FieldValue.NumericValue(new BigDecimal("-5.25"), "°C"));
                assertThat(got).hasSize(2);
                assertThat(d.stats().rejected()).containsEntry("bad-checksum", 1L).containsKey("skipped-bytes");
            } finally {
                d.close();
            }
        }
    }

    @Test
    void aTextDeviceOfYourOwnIsAskedByItsConfig() throws Exception {
        try (SerialDeviceSimulator device = SerialDeviceSimulator.start(dir)) {
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            device.answer(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8).equals("READ\r\n")
                    ? ("T=" + (20 + asked.incrementAndGet()) + ".5\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8) : null);
            List<Reading> got = new CopyOnWriteArrayList<>();
            SerialDriver d = driver(device.port(), """
                    poll: { request-text: "READ\\r\\n", interval: 1s, timeout: 1s }
                    mapping: { type: regex, pattern: 'T=(?<t>-?[0-9.]+)', fields: [ { name: t, unit: "°C" } ] }
                    """);
            d.start(measurementsTo(got));
            try {
                Await.until("three answers", () -> got.size() >= 3);
                assertThat(got.subList(0, 3)).extracting(r -> r.field("t").value()).containsExactly(
                        new FieldValue.NumericValue(new BigDecimal("21.5"), "°C"),
                        new FieldValue.NumericValue(new BigDecimal("22.5"), "°C"),
                        new FieldValue.NumericValue(new BigDecimal("23.5"), "°C"));
            } finally {
                d.close();
            }
        }
    }

    @Test
    void framingAndPollMistakesAreNamed() {
        assertThat(configProblem("framing: { type: binary, start: \"AA 5\", length: 8 }\n" + CSV))
                .isEqualTo("'AA 5' is not bytes in hex; write pairs of hex digits, e.g. \"42 4D\"");
        assertThat(configProblem("framing: { type: binary, start: \"AA\", length: 8, length-field: { offset: 1 } }\n" + CSV))
                .startsWith("a binary framing needs either length").endsWith("not both");
        assertThat(configProblem("framing: { type: binary, start: \"AA\", lenght: 8 }\n" + CSV))
                .startsWith("unknown key 'lenght' (did you mean 'length'?)");
        assertThat(configProblem("framing: { type: frames }\n" + CSV)).isEqualTo("'frames' is not allowed; use one of: line, binary");
        assertThat(configProblem("poll: { interval: 1s }\n" + CSV))
                .isEqualTo("needs either request (bytes in hex) or request-text (a text line), not neither");
        assertThat(configProblem("poll: { request: \"01\", interval: 1s, timeout: 2s }\n" + CSV))
                .startsWith("is longer than the interval");
        assertThat(configProblem("profile: mhz19b\npoll: { request: \"01\" }\n")).startsWith("a profile brings its own framing and mapping");
    }

    private static final String CSV = "mapping: { type: csv, fields: [ { name: a, column: 1 } ] }\n";

    private String configProblem(String settings) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> driver(Path.of("/dev/null"), settings)).problem();
    }
}
