package org.xmppiot.drivers.serial;

import java.util.concurrent.TimeUnit;

import org.xmppiot.drivers.common.Rejections;
import org.xmppiot.core.spi.Poll;

/**
 * Asks a device that only answers when asked: every interval it sends the request while the port is
 * connected, waits for a frame, asks again up to the retry count, and counts {@code no-answer} when
 * the device stays silent.
 */
final class Poller implements AutoCloseable {

    private final Poll poll;
    private final SerialPortSupervisor port;
    private final Rejections rejections;
    private final Thread thread;
    private final Object answers = new Object();
    private long answered;
    private volatile boolean closed;

    Poller(String thingId, Poll poll, SerialPortSupervisor port, Rejections rejections) {
        this.poll = poll;
        this.port = port;
        this.rejections = rejections;
        this.thread = new Thread(this::run, "poll-" + thingId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A frame came from the device: the pending request has its answer. */
    void answered() {
        synchronized (answers) {
            answered++;
            answers.notifyAll();
        }
    }

    private void run() {
        try {
            while (!closed) {
                if (port.state().kind() == PortState.Kind.CONNECTED) {
                    ask();
                }
                Thread.sleep(poll.interval().toMillis());
            }
        } catch (InterruptedException e) {
            // Closing.
        }
    }

    private void ask() throws InterruptedException {
        long before;
        synchronized (answers) {
            before = answered;
        }
        int attempts = poll.retries() + 1;
        for (int i = 0; i < attempts && !closed; i++) {
            if (!port.write(poll.request())) {
                return; // Gone meanwhile: the port's own state says so.
            }
            long deadline = System.nanoTime() + poll.timeout().toNanos();
            synchronized (answers) {
                while (answered == before) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(answers, left);
                }
                if (answered != before) {
                    return;
                }
            }
        }
        rejections.count("no-answer", () -> "no answer within " + poll.timeout().toMillis() + " ms, asked " + attempts + " times");
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
