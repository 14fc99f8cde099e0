'use strict';
// The plain Node.js peer: serialport + @xmpp/client, reading the bench's devices and publishing each
// line as it comes. Usage: node peer.js config.json
const fs = require('fs');
const path = require('path');
const { client, xml } = require('@xmpp/client');
const { SerialPort } = require('serialport');
const { ReadlineParser } = require('@serialport/parser-readline');
const { makePublisher } = require(path.join(__dirname, 'publisher.js'));

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const xmpp = client({ service: `xmpp://127.0.0.1:${cfg.port}`, domain: cfg.domain, username: cfg.user, password: cfg.password });
const publisher = makePublisher(xmpp, xml, { service: cfg.pubsub, window: 64 });
xmpp.on('error', (e) => console.error('xmpp:', e.message));
xmpp.on('online', () => {
  cfg.devices.forEach(({ port, node, thing }) => {
    const serial = new SerialPort({ path: port, baudRate: 115200 });
    serial.pipe(new ReadlineParser({ delimiter: '\n' })).on('data', (line) => publisher.publish(xmpp, node, thing, line));
    serial.on('error', (e) => console.error(port + ':', e.message));
  });
});
xmpp.start().catch((e) => { console.error('cannot connect:', e.message); process.exit(1); });
