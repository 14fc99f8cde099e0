package org.xmppiot.gateway.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jxmpp.jid.impl.JidCreate;
import org.xmppiot.core.testing.Await;
import org.xmppiot.gateway.iotdata.SensorDataFields;

/**
 * One account talking to the gateway as a person's client would: chat lines in and out, XEP-0323
 * answers collected as they arrive.
 */
public final class ChatClient implements AutoCloseable {

    public static final String GATEWAY = "gateway@localhost/gateway";

    private final XMPPTCPConnection connection;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<SensorDataFields> answers = new CopyOnWriteArrayList<>();

    public ChatClient(ProsodyExtension prosody, Path dir, String user) throws Exception {
        connection = prosody.connection(dir, user, "test");
        connection.addSyncStanzaListener(s -> lines.add(((Message) s).getBody()), s -> s instanceof Message && ((Message) s).getBody() != null);
        connection.addSyncStanzaListener(s -> answers.add((SensorDataFields) s.getExtension(SensorDataFields.NAMESPACE)),
                s -> s instanceof Message && s.getExtension(SensorDataFields.NAMESPACE) instanceof SensorDataFields);
        connection.connect().login();
    }

    /** Says {@code text} to the gateway and returns its answer. */
    public String say(String text) throws Exception {
        lines.clear();
        connection.sendStanza(connection.getStanzaFactory().buildMessageStanza().to(JidCreate.from(GATEWAY))
                .ofType(Message.Type.chat).setBody(text).build());
        Await.until("the answer to '" + text + "'", () -> !lines.isEmpty());
        return lines.remove(0);
    }

    /** Sends a read-out request and returns the first answer message. */
    public SensorDataFields readOut(IQ request) throws Exception {
        answers.clear();
        request.setTo(JidCreate.from(GATEWAY));
        IQ accepted = connection.sendIqRequestAndWaitForResponse(request);
        if (!"accepted".equals(accepted.getChildElementName())) {
            throw new AssertionError("read-out not accepted: " + accepted.toXML());
        }
        Await.until("the read-out's answer", () -> !answers.isEmpty());
        return answers.get(0);
    }

    /** {@link #say}, for conditions that are tried again: null when no answer came. */
    public String trySay(String text) {
        try {
            return say(text);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    /** {@link #readOut}, for conditions that are tried again: null when no answer came. */
    public SensorDataFields tryReadOut(IQ request) {
        try {
            return readOut(request);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }

    /** Every chat line received and not yet taken by {@link #say}. */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
