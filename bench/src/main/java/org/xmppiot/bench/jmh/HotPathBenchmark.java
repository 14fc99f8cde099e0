package org.xmppiot.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xmppiot.gateway.config.StoreConfig;
import org.xmppiot.core.config.YamlConfigReader;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;
import org.xmppiot.core.model.Reading;
import org.xmppiot.core.spi.FrameMapper;
import org.xmppiot.core.spi.MapperRegistry;
import org.xmppiot.gateway.store.ReadingStore;
import org.xmppiot.gateway.store.StoredItem;

/**
 * The gateway's hot path in one process, in readings per second: a CSV line mapped to fields, a
 * commit of 100 readings to the SQLite store (synchronous=FULL, 20 readings per item, as the
 * end-to-end bench runs it), and replaying stored items for publishing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class HotPathBenchmark {

    private static final int BATCH = 100;

    private Path dir;
    private ReadingStore store;
    private FrameMapper mapper;
    private Frame frame;
    private List<Reading> batch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("hot-path-bench");
        store = ReadingStore.open(new StoreConfig(dir.resolve("bench.db"), 1L << 40, Duration.ofDays(365), Duration.ZERO));
        mapper = MapperRegistry.fromClassPath().create(YamlConfigReader.read("bench", """
                type: csv
                fields:
                  - { name: seq, column: 1 }
                  - { name: sent, column: 2, unit: ms }
                """));
        frame = new Frame("bench", Instant.now(), "123456,98765.432".getBytes(StandardCharsets.US_ASCII));
        List<Field> fields = mapper.map(frame);
        batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            batch.add(new Reading("dev" + (i % 4 + 1), i, Instant.now(), fields));
        }
        // Something to replay: 10,000 readings waiting for the publisher.
        for (int i = 0; i < 100; i++) {
            store.append(batch, 20, List.of("replay"));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Benchmark
    public List<Field> mapCsvLine() throws Exception {
        return mapper.map(frame);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<StoredItem> storeCommitOf100() throws Exception {
        return store.append(batch, 20, List.of("bench"));
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public int replay10000() throws Exception {
        int readings = 0;
        long after = 0;
        while (true) {
            List<StoredItem> items = store.pending("replay", after, 64);
            if (items.isEmpty()) {
                return readings;
            }
            for (StoredItem item : items) {
                readings += item.readings().size();
            }
            after = items.get(items.size() - 1).lastId();
        }
    }
}
