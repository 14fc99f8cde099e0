package org.xmppiot.gateway.adhoc;

import java.util.List;

import org.jivesoftware.smackx.xdata.FormField;
import org.jivesoftware.smackx.xdata.packet.DataForm;

/** Reads what a requester filled into a submitted form; a missing field reads as empty. */
final class FormValues {

    private FormValues() {
    }

    /** The field's first value, or null when the form or the field is missing or empty. */
    static String first(DataForm form, String name) {
        List<String> values = all(form, name);
        return values.isEmpty() || values.get(0).isBlank() ? null : values.get(0).trim();
    }

    /** A multi-line field's lines joined again. */
    static String text(DataForm form, String name) {
        List<String> values = all(form, name);
        return values.isEmpty() ? null : String.join("\n", values);
    }

    private static List<String> all(DataForm form, String name) {
        FormField field = form == null ? null : form.getField(name);
        return field == null ? List.of() : field.getValuesAsString();
    }
}
