package org.xmppiot.gateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The gateway's logging, set up in code: one line per event on stderr (the journal under systemd), stack traces only
 * with {@code --debug}. Logback's XML configuration would load some 250 classes (its Joran framework) and its pattern
 * layout 80 more, for what these few lines do: memory and start time a small board feels. A configuration file named
 * by {@code -Dlogback.configurationFile}, or a {@code logback-test.xml}, is still read as logback reads it.
 *
 * <p>System properties (set by {@link Main} for {@code --debug}): {@code xmppiot.log.level} (the gateway's, default
 * INFO; other libraries WARN), {@code xmppiot.log.smack} (Smack's, default ERROR; Jetty's, default WARN),
 * {@code xmppiot.log.exceptions} (non-empty: stack traces).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || getClass().getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        OneLineLayout layout = new OneLineLayout(!System.getProperty("xmppiot.log.exceptions", "").isEmpty());
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        String level = System.getProperty("xmppiot.log.level");
        String smack = System.getProperty("xmppiot.log.smack");
        context.getLogger("org.jivesoftware").setLevel(Level.toLevel(smack, Level.ERROR));
        context.getLogger("org.eclipse.jetty").setLevel(Level.toLevel(smack, Level.WARN));
        context.getLogger("org.xmppiot").setLevel(Level.toLevel(level, Level.INFO));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.WARN));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
