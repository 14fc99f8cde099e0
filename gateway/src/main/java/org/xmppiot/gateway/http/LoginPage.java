package org.xmppiot.gateway.http;

/** The two small pages of a login by XMPP: the form that asks for a JID, and the page that waits for the confirmation. */
final class LoginPage {

    private LoginPage() {
    }

    private static final String HEAD = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Log in · XMPP IoT Gateway</title><style>
            body{font-family:system-ui,sans-serif;max-width:32em;margin:2em auto;padding:0 1em;color:#222}
            input,button{font-size:1em;padding:.4em}.code{font-size:2em;letter-spacing:.15em;font-family:monospace}
            .bad{color:#a00}</style></head><body><h1>Log in</h1>
            """;

    /** The form; {@code note} (escaped text, may be empty) says why it is shown again. */
    static String form(String note) {
        return HEAD + (note.isEmpty() ? "" : "<p class=\"bad\" id=\"note\">" + StatusPage.escape(note) + "</p>") + """
                <p>Log in with your XMPP account: the gateway asks your XMPP app to confirm, with a code shown here.</p>
                <form method="post" action="/login"><label>Your JID <input name="jid" id="jid" type="email" required
                 autocomplete="username" placeholder="you@example.org"></label> <button id="login">Log in</button></form>
                <p>Scripts and Prometheus use a password instead (HTTP basic authentication, http.password-file).</p></body></html>
                """;
    }

    /** The page that waits: the code to compare with what the XMPP app shows, and a script that asks how it stands. */
    static String waiting(String jid, String code) {
        return HEAD + """
                <p>The gateway asked <b>%s</b> to confirm this login. Accept it in your XMPP app if it shows this code:</p>
                <p class="code" id="code">%s</p><p id="state">Waiting for your confirmation ...</p>
                <script>
                async function poll() {
                  const r = await fetch('/login/wait?code=%s', {cache: 'no-store'});
                  const s = (await r.json()).state;
                  if (s === 'confirmed') { location.replace('/'); return; }
                  if (s === 'pending') { setTimeout(poll, 1000); return; }
                  document.getElementById('state').textContent = 'Not confirmed: you are not logged in.';
                  document.getElementById('state').className = 'bad';
                }
                setTimeout(poll, 1000);
                </script></body></html>
                """.formatted(StatusPage.escape(jid), code, code);
    }
}
