package org.xmppiot.gateway.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.xmppiot.core.model.Reading;
import org.xmppiot.gateway.config.GatewayConfigLoader;
import org.xmppiot.gateway.config.XmppConfig;
import org.xmppiot.gateway.watch.ReadingFormatter;
import org.xmppiot.gateway.watch.ReadingWatcher;
import org.xmppiot.gateway.xmpp.XmppFailures;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code watch}: subscribes to pub/sub nodes and prints readings as they arrive. */
@Command(name = "watch", description = {
        "Subscribe to pub/sub nodes and print readings as they arrive, one line each.",
        "Uses the xmpp section of the configuration file; other sections are ignored."})
final class WatchCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "NODE", description = "Node names, e.g. gateway/greenhouse.")
    List<String> nodes;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N readings.")
    long count;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this many seconds (exit 1).")
    long timeoutSeconds;

    @Option(names = "--no-status", description = {"Print measurements only: leave out the lines that say a thing's status changed",
            "(<thing> status=\"online\", status=\"offline: <reason>\" ...). --count then counts measurements."})
    boolean noStatus;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        XmppConfig xmpp = GatewayConfigLoader.loadXmpp(config.file);
        AtomicLong seen = new AtomicLong();
        CountDownLatch enough = new CountDownLatch(1);
        Consumer<Reading> print = reading -> {
            synchronized (out) {
                // With --count, print exactly that many, even if more arrive before we are gone.
                if (count > 0 && seen.get() >= count) {
                    return;
                }
                out.println(ReadingFormatter.format(reading));
                out.flush();
                if (seen.incrementAndGet() == count) {
                    enough.countDown();
                }
            }
        };
        ReadingWatcher watcher = noStatus ? ReadingWatcher.measurements(xmpp, print) : new ReadingWatcher(xmpp, print);
        Thread hook = new Thread(() -> {
            watcher.close();
            enough.countDown();
        }, "watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            watcher.start(nodes);
        } catch (Exception e) {
            err.println(XmppFailures.describe(e, xmpp));
            watcher.close();
            return ExitCodes.RUNTIME_FAILURE;
        }
        err.println("watching " + String.join(", ", nodes) + " as " + xmpp.jid() + "; Ctrl-C to stop");
        try {
            if (timeoutSeconds > 0) {
                if (!enough.await(timeoutSeconds, TimeUnit.SECONDS)) {
                    err.println("got " + seen.get() + " readings within " + Duration.ofSeconds(timeoutSeconds).toSeconds() + " s"
                            + (count > 0 ? ", wanted " + count : ""));
                    return count > 0 ? ExitCodes.RUNTIME_FAILURE : ExitCodes.OK;
                }
            } else {
                enough.await();
            }
            return ExitCodes.OK;
        } finally {
            watcher.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already.
            }
        }
    }
}
