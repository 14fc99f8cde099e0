package org.xmppiot.gateway.xmpp;

import java.util.List;

import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.pubsub.provider.AffiliationsProvider;
import org.jxmpp.stringprep.XmppStringprepException;
import org.xmppiot.core.config.XmppConfig;
import org.xmppiot.gateway.sensordata.element.SensorDataFields;
import org.xmppiot.gateway.sensordata.provider.SensorDataFieldsProvider;

/** Makes Smack connections from the gateway's XMPP settings: TLS as configured, SCRAM only, no Nagle. */
public final class XmppConnectionFactory {

    /** Only salted challenge-response logins: the password itself never crosses the wire. */
    static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-1");

    static {
        ProviderManager.addExtensionProvider(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE, new SensorDataFieldsProvider());
        // Smack 4.4.8 registers <affiliations/> only for the pubsub namespace, so reading a node's
        // affiliations as its owner (pubsub#owner) fails with a ClassCastException without this.
        ProviderManager.addExtensionProvider("affiliations", "http://jabber.org/protocol/pubsub#owner", new AffiliationsProvider());
    }

    private XmppConnectionFactory() {
    }

    public static XMPPTCPConnection create(XmppConfig config) throws XmppStringprepException {
        XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder()
                .setXmppAddressAndPassword(config.jid(), config.password().reveal())
                .setResource(config.resource())
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setSocketFactory(new NoDelaySocketFactory())
                .addEnabledSaslMechanism(SASL_MECHANISMS)
                .setSecurityMode(config.tls() == XmppConfig.TlsMode.REQUIRED ? SecurityMode.required : SecurityMode.disabled);
        if (config.server() != null) {
            b.setHost(config.server()).setPort(config.port());
        }
        XMPPTCPConnection connection = new XMPPTCPConnection(b.build());
        connection.setReplyTimeout(config.connectTimeout().toMillis());
        // Reconnecting is the uplink's job (with its own backoff and messages), not Smack's.
        ReconnectionManager.getInstanceFor(connection).disableAutomaticReconnection();
        return connection;
    }
}
