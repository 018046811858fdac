// Drives nipc's WebSocket with the real npm ws client (pinned in package-lock.json).
// Usage: node ws_denied.js WS_URL
// Subscribes to confirmations with ack and an id, and prints the one reply
// as "RESULT <json>" (an error when the subscriber lacks the permission).
'use strict';
const WebSocket = require('ws');

async function main() {
  const [wsURL] = process.argv.slice(2);
  const ws = new WebSocket(wsURL);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const reply = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no reply within 15s')), 15000);
    ws.once('message', data => { clearTimeout(t); resolve(JSON.parse(data.toString())); });
  });
  ws.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', ack: true, id: 'd1' }));
  const msg = await reply;
  ws.close(1000);
  await new Promise(resolve => ws.once('close', resolve));
  process.stdout.write('RESULT ' + JSON.stringify(msg) + '\n');
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write('ws interop failed: ' + (e && e.stack || e) + '\n');
    process.exit(1);
  }
);
