package org.xmppiot.drivers.modbus;

import org.xmppiot.core.model.ThingStatus;

/**
 * Why a request got no usable answer, as a kind (counted) and a sentence a person can act on (the thing's
 * status). Exception answers carry their code's name from the Modbus application protocol.
 */
final class ModbusFault extends Exception {

    private static final long serialVersionUID = 1L;

    enum Kind {
        /** No answer within the timeout. */
        TIMEOUT("timeout", true, ThingStatus.Detail.NO_ANSWER),
        /** An answer whose checksum is wrong: noise, a wrong baud rate, two devices with one unit id. */
        CRC("crc", true, ThingStatus.Detail.BAD_DATA),
        /** Bytes that are no answer to the request (garbage on the line, a reply for another request). */
        GARBAGE("garbage", true, ThingStatus.Detail.BAD_DATA),
        /** The device answered with a Modbus exception code. */
        EXCEPTION("exception", false, ThingStatus.Detail.CONFIG),
        /** The port or the TCP connection is not there (unplugged, refused, closed by the device). */
        LINK("link", true, ThingStatus.Detail.DEVICE_MISSING);

        private final String key;
        private final boolean retried;
        private final ThingStatus.Detail detail;

        Kind(String key, boolean retried, ThingStatus.Detail detail) {
            this.key = key;
            this.retried = retried;
            this.detail = detail;
        }

        /** How a thing's status names this kind of fault: an exception answer means the register map or unit id is wrong. */
        ThingStatus.Detail detail() {
            return detail;
        }

        String key() {
            return key;
        }

        /** Worth another try: the next answer may come through. An exception answer will not change. */
        boolean retried() {
            return retried;
        }
    }

    private final Kind kind;
    private final int exceptionCode;

    ModbusFault(Kind kind, String message) {
        this(kind, 0, message);
    }

    private ModbusFault(Kind kind, int exceptionCode, String message) {
        super(message);
        this.kind = kind;
        this.exceptionCode = exceptionCode;
    }

    static ModbusFault exception(int code, int unit, String request) {
        return new ModbusFault(Kind.EXCEPTION, code, "unit " + unit + " answered " + request + " with exception " + code
                + " (" + exceptionName(code) + ")");
    }

    Kind kind() {
        return kind;
    }

    /** The kind as counted: exception answers by name, e.g. "exception: illegal data address". */
    String countedAs() {
        return kind == Kind.EXCEPTION ? "exception: " + exceptionName(exceptionCode) : kind.key();
    }

    /** Names of the exception codes of the Modbus application protocol 1.1b3, section 7. */
    static String exceptionName(int code) {
        return switch (code) {
            case 1 -> "illegal function";
            case 2 -> "illegal data address";
            case 3 -> "illegal data value";
            case 4 -> "slave device failure";
            case 5 -> "acknowledge";
            case 6 -> "slave device busy";
            case 8 -> "memory parity error";
            case 10 -> "gateway path unavailable";
            case 11 -> "gateway target device failed to respond";
            default -> "unknown exception code";
        };
    }
}
