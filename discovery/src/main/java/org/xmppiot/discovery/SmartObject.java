package org.xmppiot.discovery;

import java.util.Map;

/**
 * A device found by mDNS: the thing id the gateway gives it, its DNS-SD instance name and type, where
 * it answers, and its TXT metadata. {@code dataPath} is the HTTP path of its readings when its TXT
 * offers one ({@code data=/path}).
 */
public record SmartObject(String thingId, String instance, String type, String host, int port, Map<String, String> txt) {

    public SmartObject {
        txt = Map.copyOf(txt);
    }

    public String dataPath() {
        String path = txt.get("data");
        return path != null && path.startsWith("/") ? path : null;
    }

    public String address() {
        return host + ":" + port;
    }
}
