package org.xmppiot.gateway.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.xmppiot.core.model.Category;
import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.FieldValue;
import org.xmppiot.core.model.Quality;

/**
 * A reading's fields as compact bytes for the store. Names of categories and quality flags are
 * written as XEP-0323 spells them, not as enum positions, so a stored file outlives changes to the
 * enums. The first byte is the format version.
 */
final class FieldsCodec {

    private static final int VERSION = 1;
    private static final byte NUMERIC = 'n';
    private static final byte BOOLEAN = 'b';
    private static final byte INTEGER = 'i';
    private static final byte STRING = 's';

    private FieldsCodec() {
    }

    static byte[] encode(List<Field> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + fields.size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeShort(fields.size());
            for (Field f : fields) {
                out.writeUTF(f.name());
                out.writeUTF(f.category().xmlName());
                out.writeByte(f.quality().size());
                for (Quality q : f.quality()) {
                    out.writeUTF(q.xmlName());
                }
                writeValue(out, f.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Writing to memory does not fail.
        }
        return bytes.toByteArray();
    }

    private static void writeValue(DataOutputStream out, FieldValue v) throws IOException {
        if (v instanceof FieldValue.NumericValue n) {
            out.writeByte(NUMERIC);
            byte[] unscaled = n.value().unscaledValue().toByteArray();
            out.writeShort(unscaled.length);
            out.write(unscaled);
            out.writeInt(n.value().scale());
            out.writeUTF(n.unit());
        } else if (v instanceof FieldValue.BooleanValue b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b.value());
        } else if (v instanceof FieldValue.IntegerValue i) {
            out.writeByte(INTEGER);
            out.writeLong(i.value());
        } else {
            out.writeByte(STRING);
            out.writeUTF(((FieldValue.StringValue) v).value());
        }
    }

    /** The fields back; a damaged or unknown record is an {@link IOException} naming what is wrong. */
    static List<Field> decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("stored fields have format version " + version + "; this gateway reads version " + VERSION);
            }
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
                fields.add(new Field(name, readValue(in), quality, category == null ? Category.MOMENTARY : category));
            }
            return fields;
        }
    }

    private static FieldValue readValue(DataInputStream in) throws IOException {
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
