package org.xmppiot.core.model;

/**
 * What kind of value a field is, as XEP-0323 sorts them; a readout request may ask for some kinds only.
 * A field has one: the XEP allows several flags at once, but every source here knows which one it means.
 */
public enum Category {
    /** A value measured now, the usual case. */
    MOMENTARY("momentary"),
    /** Names the device: serial number, model, firmware version. */
    IDENTITY("identity"),
    /** The state of the device or its connection rather than of what it measures. */
    STATUS("status"),
    /** Worked out from other values rather than measured. */
    COMPUTED("computed"),
    /** A maximum or minimum over some period. */
    PEAK("peak");

    private final String xmlName;

    Category(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The XEP-0323 attribute that marks a field of this kind. */
    public String xmlName() {
        return xmlName;
    }

    /** The category for an XEP-0323 attribute name, or null when the name is not one. */
    public static Category fromXmlName(String name) {
        for (Category c : values()) {
            if (c.xmlName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
