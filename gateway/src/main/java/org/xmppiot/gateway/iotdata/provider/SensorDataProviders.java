package org.xmppiot.gateway.iotdata.provider;

import org.jivesoftware.smack.provider.ProviderManager;
import org.xmppiot.gateway.iotdata.SensorDataCancel;
import org.xmppiot.gateway.iotdata.SensorDataFields;
import org.xmppiot.gateway.iotdata.SensorDataRequest;

/**
 * Teaches Smack the XEP-0323 elements: read-out requests and cancels for the gateway, {@code <fields/>}
 * for anyone reading pub/sub items or read-out answers (the gateway, {@code watch}, clients in tests).
 */
public final class SensorDataProviders {

    static {
        ProviderManager.addExtensionProvider(SensorDataFields.ELEMENT, SensorDataFields.NAMESPACE, new SensorDataFieldsProvider());
        ProviderManager.addIQProvider(SensorDataRequest.ELEMENT, SensorDataFields.NAMESPACE, new SensorDataRequestProvider());
        ProviderManager.addIQProvider(SensorDataCancel.ELEMENT, SensorDataFields.NAMESPACE, new SensorDataRequestProvider());
    }

    private SensorDataProviders() {
    }

    /** Registers once per class loader; later calls do nothing. */
    public static void register() {
        // The static initialiser did the work.
    }
}
