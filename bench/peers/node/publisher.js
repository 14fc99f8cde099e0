'use strict';
// Publishes one reading per pub/sub item, as XEP-0323 fields, with a bounded window of requests in
// flight. Shared by the plain Node peer and the Node-RED function node (which inlines this file).
function makePublisher(xmppClient, xml, options) {
  const { service, window } = options;
  const queue = [];
  let inFlight = 0;
  let seqnr = 0;
  let failed = 0;

  function fields(thing, seq, sent) {
    seqnr += 1;
    return xml('fields', { xmlns: 'urn:xmpp:iot:sensordata', seqnr: String(seqnr), done: 'true' },
      xml('node', { nodeId: thing },
        xml('timestamp', { value: new Date().toISOString() },
          xml('numeric', { name: 'seq', momentary: 'true', automaticReadout: 'true', value: seq }),
          xml('numeric', { name: 'sent', momentary: 'true', automaticReadout: 'true', value: sent, unit: 'ms' }))));
  }

  function pump(client) {
    while (inFlight < window && queue.length > 0) {
      const { node, payload } = queue.shift();
      inFlight += 1;
      client.iqCaller.set(
        xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node }, xml('item', {}, payload))),
        service)
        .catch(() => { failed += 1; })
        .finally(() => { inFlight -= 1; pump(client); });
    }
  }

  return {
    // line: "seq,sentMs"
    publish(client, node, thing, line) {
      const [seq, sent] = String(line).trim().split(',');
      if (!sent) return;
      queue.push({ node, payload: fields(thing, seq, sent) });
      pump(client);
    },
    failed() { return failed; },
  };
}
module.exports = { makePublisher };
