package org.xmppiot.gateway.http;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/** The last warnings and errors the gateway logged, for the status page: what the journal says, without the journal. */
final class RecentWarnings extends AppenderBase<ILoggingEvent> {

    record Warning(Instant time, String level, String message) {
    }

    private static final int KEPT = 30;

    private final Deque<Warning> recent = new ArrayDeque<>();

    /** Starts collecting from the root logger; null when the logging is not logback's (then the page shows none). */
    static RecentWarnings attach() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return null;
        }
        RecentWarnings appender = new RecentWarnings();
        appender.setContext(context);
        appender.setName("status-page-warnings");
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    void detach() {
        if (getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        if (recent.size() == KEPT) {
            recent.removeFirst();
        }
        recent.addLast(new Warning(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(), event.getFormattedMessage()));
    }

    /** Newest first. */
    synchronized List<Warning> newestFirst() {
        List<Warning> out = new ArrayList<>(recent);
        java.util.Collections.reverse(out);
        return out;
    }
}
