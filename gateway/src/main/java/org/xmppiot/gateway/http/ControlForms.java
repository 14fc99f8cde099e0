package org.xmppiot.gateway.http;

import java.util.List;

import org.xmppiot.gateway.feature.PageControls;

/**
 * The owner's section of the page: one small form per writable channel, each carrying the session's form token (a form
 * posted from another site has neither the cookie, which is SameSite=Strict, nor the token), and the page that says
 * what came of a set.
 */
final class ControlForms {

    private ControlForms() {
    }

    /** The section for {@code owner}; empty for anyone else or when nothing can be set. */
    static String html(PageControls controls, WebLogins.Session owner) {
        if (owner == null || controls == null) {
            return "";
        }
        List<PageControls.Writable> writable = controls.writable();
        if (writable.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<section id=\"controls\"><h2>Control</h2><p class=\"muted\">Logged in as ")
                .append(StatusPage.escape(owner.jid())).append(", an owner.</p>");
        for (PageControls.Writable w : writable) {
            h.append("<form method=\"post\" action=\"/set\" data-control=\"").append(StatusPage.escape(w.thing() + "/" + w.channel())).append("\">")
                    .append("<input type=\"hidden\" name=\"token\" value=\"").append(owner.formToken()).append("\">")
                    .append("<input type=\"hidden\" name=\"thing\" value=\"").append(StatusPage.escape(w.thing())).append("\">")
                    .append("<input type=\"hidden\" name=\"channel\" value=\"").append(StatusPage.escape(w.channel())).append("\">")
                    .append("<label>").append(StatusPage.escape(w.thing())).append(" ").append(StatusPage.escape(w.channel()))
                    .append(" <input name=\"value\" required placeholder=\"").append(StatusPage.escape(w.takes())).append("\"></label> ")
                    .append("<button>Set</button></form>");
        }
        return h.append("</section>").toString();
    }

    /** What came of a set: done, or the door's refusal. */
    static String outcome(String thing, String channel, String value, String refusal) {
        String text = refusal == null ? "Done: " + thing + " " + channel + " = " + value + "." : "Not done: " + refusal + ".";
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Set · XMPP IoT Gateway</title></head><body>"
                + "<p id=\"outcome\">" + StatusPage.escape(text) + "</p><p><a href=\"/\" id=\"back\">Back to the page</a></p></body></html>";
    }
}
