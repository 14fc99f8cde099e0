package org.xmppiot.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the gateway says about itself in its DNS-SD TXT record, so local tools know which JID to talk to. */
public record GatewayAnnouncement(String name, String jid, String version, String nodePrefix, List<String> things) {

    /** A TXT string may hold 255 bytes: long thing lists are cut, with the full count beside them. */
    private static final int TXT_LIMIT = 200;

    public GatewayAnnouncement {
        things = List.copyOf(things);
    }

    Map<String, String> txt() {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("jid", jid);
        txt.put("version", version);
        txt.put("node-prefix", nodePrefix);
        StringBuilder list = new StringBuilder();
        for (String t : things) {
            if (list.length() + t.length() + 1 > TXT_LIMIT) {
                break;
            }
            list.append(list.length() == 0 ? "" : ",").append(t);
        }
        txt.put("things", list.toString());
        txt.put("things-count", Integer.toString(things.size()));
        return txt;
    }
}
