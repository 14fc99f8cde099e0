package org.xmppiot.gateway.doctor;

/**
 * One result of {@code doctor}: how it went, what was looked at, what was found and, when something is wrong,
 * what to do about it.
 */
public record Finding(Status status, String topic, String detail, String fix) {

    /** OK needs nothing; WARN may cause trouble later; FAIL stops the gateway from doing its job. */
    public enum Status { OK, WARN, FAIL }

    public static Finding ok(String topic, String detail) {
        return new Finding(Status.OK, topic, detail, null);
    }

    public static Finding warn(String topic, String detail, String fix) {
        return new Finding(Status.WARN, topic, detail, fix);
    }

    public static Finding fail(String topic, String detail, String fix) {
        return new Finding(Status.FAIL, topic, detail, fix);
    }
}
