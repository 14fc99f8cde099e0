package org.xmppiot.gateway.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;

/**
 * A reading's fields as compact bytes for the store. The first byte is the format version; every row keeps its own, so
 * a store holds rows of both versions and reads them all.
 *
 * <p>Version 3 (written now): the values only, after the id of their {@linkplain #layout layout} (names, kinds, quality
 * flags, types and units), which the store keeps once in a table of its own ({@link FieldLayouts}): a reading of two
 * metered values takes some 10 bytes. Every byte saved is spared to the card twice, in the log and at the checkpoint.
 *
 * <p>Version 2 (rows that carry their own layout, once a store has too many layouts): variable-length numbers, a numeric
 * value as its digits and scale, a field's kind and quality flags as positions in the fixed lists below of the names
 * XEP-0323 spells (appended to, never reordered, so a stored file outlives changes to the enums); some 37 bytes.
 *
 * <p>Version 1 (stores of layout version 1, which keep it so that the version that made them reads them): the names
 * spelled out in full, fixed-size numbers.
 */
final class FieldsCodec {

    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;
    private static final int VERSION_3 = 3;
    private static final byte NUMERIC = 'n'; // digits as a two's-complement byte array: any size
    private static final byte NUMERIC_LONG = 'd'; // digits that fit a long, as a variable-length number
    private static final byte BOOLEAN = 'b';
    private static final byte INTEGER = 'i';
    private static final byte STRING = 's';

    /** Version 2's codes: a position in these lists. Append only. */
    private static final List<String> CATEGORIES = List.of("momentary", "identity", "status", "computed", "peak");
    private static final List<String> QUALITIES = List.of("missing", "inProgress", "automaticEstimate", "manualEstimate",
            "manualReadout", "automaticReadout", "timeOffset", "warning", "error", "signed", "invoiced", "endOfSeries",
            "powerFailure", "invoiceConfirmed");

    private FieldsCodec() {
    }

    /** A row that carries its own layout (version 2). */
    static byte[] encode(List<Field> fields) {
        Out out = new Out(8 + fields.size() * 20);
        out.write(VERSION_2);
        out.varint(fields.size());
        for (Field f : fields) {
            writeHead(out, f);
            writeValue(out, f.value());
        }
        return out.bytes();
    }

    /** What fields share with every reading of the same kind: count, names, kinds, flags, types and units, no values. */
    static byte[] layout(List<Field> fields) {
        Out out = new Out(4 + fields.size() * 12);
        out.varint(fields.size());
        for (Field f : fields) {
            writeHead(out, f);
            out.write(type(f.value()));
            if (f.value() instanceof FieldValue.NumericValue n) {
                out.text(n.unit());
            }
        }
        return out.bytes();
    }

    /** A row of the values only (version 3), after the id under which the store keeps {@link #layout(List)} of them. */
    static byte[] encodeValues(long layoutId, List<Field> fields) {
        Out out = new Out(4 + fields.size() * 4);
        out.write(VERSION_3);
        out.varint(layoutId);
        for (Field f : fields) {
            FieldValue v = f.value();
            if (v instanceof FieldValue.NumericValue n) {
                BigInteger digits = n.value().unscaledValue();
                boolean big = digits.bitLength() >= Long.SIZE;
                long scale = n.value().scale();
                out.varint((((scale << 1) ^ (scale >> 63)) << 1) | (big ? 1 : 0));
                if (big) {
                    byte[] bytes = digits.toByteArray();
                    out.varint(bytes.length);
                    out.write(bytes);
                } else {
                    out.signed(digits.longValue());
                }
            } else if (v instanceof FieldValue.BooleanValue b) {
                out.write(b.value() ? 1 : 0);
            } else if (v instanceof FieldValue.IntegerValue i) {
                out.signed(i.value());
            } else {
                out.text(((FieldValue.StringValue) v).value());
            }
        }
        return out.bytes();
    }

    private static void writeHead(Out out, Field f) {
        out.text(f.name());
        out.varint(code(CATEGORIES, f.category().xmlName()));
        long flags = 0;
        for (Quality q : f.quality()) {
            flags |= 1L << code(QUALITIES, q.xmlName());
        }
        out.varint(flags);
    }

    private static byte type(FieldValue v) {
        if (v instanceof FieldValue.NumericValue) {
            return NUMERIC;
        }
        return v instanceof FieldValue.BooleanValue ? BOOLEAN : v instanceof FieldValue.IntegerValue ? INTEGER : STRING;
    }

    private static int code(List<String> names, String name) {
        int code = names.indexOf(name);
        if (code < 0) {
            throw new IllegalStateException("'" + name + "' has no code in the store's format; append it to FieldsCodec's list");
        }
        return code;
    }

    private static void writeValue(Out out, FieldValue v) {
        if (v instanceof FieldValue.NumericValue n) {
            BigInteger digits = n.value().unscaledValue();
            if (digits.bitLength() < Long.SIZE) {
                out.write(NUMERIC_LONG);
                out.signed(digits.longValue());
            } else {
                out.write(NUMERIC);
                byte[] bytes = digits.toByteArray();
                out.varint(bytes.length);
                out.write(bytes);
            }
            out.signed(n.value().scale());
            out.text(n.unit());
        } else if (v instanceof FieldValue.BooleanValue b) {
            out.write(BOOLEAN);
            out.write(b.value() ? 1 : 0);
        } else if (v instanceof FieldValue.IntegerValue i) {
            out.write(INTEGER);
            out.signed(i.value());
        } else {
            out.write(STRING);
            out.text(((FieldValue.StringValue) v).value());
        }
    }

    /** The layouts a store keeps, by id. */
    @FunctionalInterface
    interface Layouts {
        /** The layout stored under {@code id}; an {@link IOException} if there is none. */
        Layout layout(long id) throws IOException;
    }

    /** A layout read back: what each field of a version 3 row is, in order. */
    record Layout(List<String> names, List<Category> categories, List<Set<Quality>> qualities, byte[] types, List<String> units) {
    }

    /** Reads a stored {@link #layout(List)}; a damaged one is an {@link IOException}. */
    static Layout readLayout(byte[] layout) throws IOException {
        In in = new In(layout, 0);
        int count = in.length();
        List<String> names = new ArrayList<>(Math.min(count, 64));
        List<Category> categories = new ArrayList<>(names.size());
        List<Set<Quality>> qualities = new ArrayList<>(names.size());
        byte[] types = new byte[count];
        List<String> units = new ArrayList<>(names.size());
        for (int i = 0; i < count; i++) {
            names.add(in.text());
            categories.add(in.category());
            qualities.add(in.quality());
            types[i] = (byte) in.read();
            if (types[i] != NUMERIC && types[i] != BOOLEAN && types[i] != INTEGER && types[i] != STRING) {
                throw new IOException("stored field layout has unknown value type " + types[i]);
            }
            units.add(types[i] == NUMERIC ? in.text() : "");
        }
        in.end();
        return new Layout(names, categories, qualities, types, units);
    }

    /** Rows that carry their own layout (versions 1 and 2); a damaged or unknown record is an {@link IOException}. */
    static List<Field> decode(byte[] data) throws IOException {
        return decode(data, id -> {
            throw new IOException("stored fields refer to layout " + id + " and none is known here");
        });
    }

    /** The fields back, of any version; a damaged or unknown record is an {@link IOException} naming what is wrong. */
    static List<Field> decode(byte[] data, Layouts layouts) throws IOException {
        if (data.length == 0) {
            throw new IOException("stored fields are empty");
        }
        return switch (data[0]) {
            case VERSION_3 -> new In(data, 1).values(layouts);
            case VERSION_2 -> new In(data, 1).fields();
            case VERSION_1 -> decodeVersion1(data);
            default -> throw new IOException("stored fields have format version " + (data[0] & 0xff)
                    + "; this gateway reads versions " + VERSION_1 + " to " + VERSION_3);
        };
    }

    /** Bytes written into a growing array: one per reading, without the streams' per-call overhead. */
    private static final class Out {
        private byte[] buf;
        private int len;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void write(int b) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = (byte) b;
        }

        void write(byte[] bytes) {
            if (len + bytes.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + bytes.length));
            }
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }

        /** Seven bits a byte, low first; the high bit says another byte follows. */
        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }

        /** Zigzag, so that small negative numbers stay short too. */
        void signed(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            write(utf8);
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads versions 2 and 3 and layouts; every length and code is checked against what is there. */
    private static final class In {
        private final byte[] data;
        private int pos;

        In(byte[] data, int pos) {
            this.data = data;
            this.pos = pos;
        }

        List<Field> fields() throws IOException {
            int count = length();
            List<Field> fields = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                String name = text();
                Category category = category();
                Set<Quality> quality = quality();
                fields.add(new Field(name, value(), quality, category));
            }
            end();
            return fields;
        }

        List<Field> values(Layouts layouts) throws IOException {
            Layout layout = layouts.layout(varint());
            List<Field> fields = new ArrayList<>(layout.types().length);
            for (int i = 0; i < layout.types().length; i++) {
                FieldValue value = switch (layout.types()[i]) {
                    case NUMERIC -> number(layout.units().get(i));
                    case BOOLEAN -> new FieldValue.BooleanValue(read() != 0);
                    case INTEGER -> new FieldValue.IntegerValue(signed());
                    default -> new FieldValue.StringValue(text());
                };
                fields.add(new Field(layout.names().get(i), value, layout.qualities().get(i), layout.categories().get(i)));
            }
            end();
            return fields;
        }

        private FieldValue.NumericValue number(String unit) throws IOException {
            long head = varint();
            long zigzag = head >>> 1;
            long scale = (zigzag >>> 1) ^ -(zigzag & 1);
            if (scale != (int) scale) {
                throw new IOException("stored numeric field has scale " + scale);
            }
            BigInteger digits = (head & 1) == 0 ? BigInteger.valueOf(signed()) : bigDigits();
            return new FieldValue.NumericValue(new BigDecimal(digits, (int) scale), unit);
        }

        private BigInteger bigDigits() throws IOException {
            byte[] digits = take(length());
            if (digits.length == 0) {
                throw new IOException("stored numeric field has no digits");
            }
            return new BigInteger(digits);
        }

        Category category() throws IOException {
            Category category = Category.fromXmlName(name(CATEGORIES, varint(), "kind"));
            return category == null ? Category.MOMENTARY : category;
        }

        Set<Quality> quality() throws IOException {
            Set<Quality> quality = EnumSet.noneOf(Quality.class);
            long flags = varint();
            for (int q = 0; q < Long.SIZE; q++) {
                if ((flags & (1L << q)) != 0) {
                    Quality flag = Quality.fromXmlName(name(QUALITIES, q, "quality flag"));
                    if (flag != null) {
                        quality.add(flag);
                    }
                }
            }
            return quality;
        }

        void end() throws IOException {
            if (pos != data.length) {
                throw new IOException("stored fields have " + (data.length - pos) + " byte(s) after their last field");
            }
        }

        private FieldValue value() throws IOException {
            int type = read();
            switch (type) {
                case NUMERIC_LONG: {
                    long digits = signed();
                    return new FieldValue.NumericValue(BigDecimal.valueOf(digits, scale()), text());
                }
                case NUMERIC: {
                    BigInteger digits = bigDigits();
                    return new FieldValue.NumericValue(new BigDecimal(digits, scale()), text());
                }
                case BOOLEAN:
                    return new FieldValue.BooleanValue(read() != 0);
                case INTEGER:
                    return new FieldValue.IntegerValue(signed());
                case STRING:
                    return new FieldValue.StringValue(text());
                default:
                    throw new IOException("stored field has unknown value type " + type);
            }
        }

        private static String name(List<String> names, long code, String what) throws IOException {
            if (code < 0 || code >= names.size()) {
                throw new IOException("stored field has unknown " + what + " code " + code);
            }
            return names.get((int) code);
        }

        int read() throws IOException {
            if (pos >= data.length) {
                throw new IOException("stored fields end in the middle of a field");
            }
            return data[pos++] & 0xff;
        }

        private long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < Long.SIZE; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("stored fields hold a number longer than 64 bits");
        }

        private long signed() throws IOException {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        private int scale() throws IOException {
            long scale = signed();
            if (scale != (int) scale) {
                throw new IOException("stored numeric field has scale " + scale);
            }
            return (int) scale;
        }

        int length() throws IOException {
            long n = varint();
            if (n < 0 || n > data.length - pos) {
                throw new IOException("stored fields claim " + n + " more bytes than the " + (data.length - pos) + " left");
            }
            return (int) n;
        }

        private byte[] take(int n) {
            byte[] bytes = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return bytes;
        }

        String text() throws IOException {
            return new String(take(length()), StandardCharsets.UTF_8);
        }
    }

    /**
     * A row as version 1 writes it, for stores that keep their older layout: so that the version they were made by,
     * installed again (a rollback), reads every row.
     */
    static byte[] encodeVersion1(List<Field> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + fields.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION_1);
            out.writeShort(fields.size());
            for (Field f : fields) {
                out.writeUTF(f.name());
                out.writeUTF(f.category().xmlName());
                out.writeByte(f.quality().size());
                for (Quality q : f.quality()) {
                    out.writeUTF(q.xmlName());
                }
                writeVersion1Value(out, f.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Writing to memory does not fail.
        }
        return bytes.toByteArray();
    }

    private static void writeVersion1Value(DataOutputStream out, FieldValue v) throws IOException {
        out.writeByte(type(v));
        if (v instanceof FieldValue.NumericValue n) {
            byte[] unscaled = n.value().unscaledValue().toByteArray();
            out.writeShort(unscaled.length);
            out.write(unscaled);
            out.writeInt(n.value().scale());
            out.writeUTF(n.unit());
        } else if (v instanceof FieldValue.BooleanValue b) {
            out.writeBoolean(b.value());
        } else if (v instanceof FieldValue.IntegerValue i) {
            out.writeLong(i.value());
        } else {
            out.writeUTF(((FieldValue.StringValue) v).value());
        }
    }

    private static List<Field> decodeVersion1(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readUnsignedByte();
            int count = in.readUnsignedShort();
            List<Field> fields = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                Category category = Category.fromXmlName(in.readUTF());
                Set<Quality> quality = EnumSet.noneOf(Quality.class);
                int flags = in.readUnsignedByte();
                for (int q = 0; q < flags; q++) {
                    Quality flag = Quality.fromXmlName(in.readUTF());
                    if (flag != null) {
                        quality.add(flag);
                    }
                }
                fields.add(new Field(name, readVersion1Value(in), quality, category == null ? Category.MOMENTARY : category));
            }
            return fields;
        }
    }

    private static FieldValue readVersion1Value(DataInputStream in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case NUMERIC: {
                byte[] unscaled = new byte[in.readUnsignedShort()];
                in.readFully(unscaled);
                int scale = in.readInt();
                return new FieldValue.NumericValue(new BigDecimal(new BigInteger(unscaled), scale), in.readUTF());
            }
            case BOOLEAN:
                return new FieldValue.BooleanValue(in.readBoolean());
            case INTEGER:
                return new FieldValue.IntegerValue(in.readLong());
            case STRING:
                return new FieldValue.StringValue(in.readUTF());
            default:
                throw new IOException("stored field has unknown value type " + type);
        }
    }
}
