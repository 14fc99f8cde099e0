package org.xmppiot.core.model;

/** How far a field's value can be trusted: XEP-0323's field quality flags. */
public enum Quality {
    MISSING("missing"),
    IN_PROGRESS("inProgress"),
    AUTOMATIC_ESTIMATE("automaticEstimate"),
    MANUAL_ESTIMATE("manualEstimate"),
    MANUAL_READOUT("manualReadout"),
    AUTOMATIC_READOUT("automaticReadout"),
    TIME_OFFSET("timeOffset"),
    WARNING("warning"),
    ERROR("error"),
    SIGNED("signed"),
    INVOICED("invoiced"),
    END_OF_SERIES("endOfSeries"),
    POWER_FAILURE("powerFailure"),
    INVOICE_CONFIRMED("invoiceConfirmed");

    private final String xmlName;

    Quality(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The attribute name XEP-0323 uses for this flag. */
    public String xmlName() {
        return xmlName;
    }

    public static Quality fromXmlName(String name) {
        for (Quality q : values()) {
            if (q.xmlName.equals(name)) {
                return q;
            }
        }
        return null;
    }
}
