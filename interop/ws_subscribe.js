// Drives nipc's WebSocket with the real npm ws client (pinned in package-lock.json).
// Usage: node ws_subscribe.js WS_URL HTTP_URL SEND_JSON
// Pings, subscribes to confirmations (with ack and election info), sends a
// block through the gateway's legacy HTTP API, waits for its confirmation,
// unsubscribes, and prints one line "RESULT <json>" on stdout.
'use strict';
const http = require('http');
const WebSocket = require('ws');

function post(url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, res => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (data += chunk));
      res.on('end', () => resolve(data));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const [wsURL, httpURL, sendBody] = process.argv.slice(2);
  const ws = new WebSocket(wsURL);
  const queue = [];
  const waiters = [];
  ws.on('message', data => {
    const msg = JSON.parse(data.toString());
    const w = waiters.shift();
    if (w) w(msg); else queue.push(msg);
  });
  const next = () => new Promise((resolve, reject) => {
    if (queue.length) return resolve(queue.shift());
    const t = setTimeout(() => reject(new Error('no message within 15s')), 15000);
    waiters.push(msg => { clearTimeout(t); resolve(msg); });
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });

  ws.send(JSON.stringify({ action: 'ping', id: 'p1' }));
  const pong = await next();
  ws.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', ack: true, id: 's1', options: { include_election_info: true } }));
  const ack = await next();
  const sent = JSON.parse(await post(httpURL, sendBody));
  let event;
  do { event = await next(); } while (event.topic !== 'confirmation' || event.message.hash !== sent.block);
  ws.send(JSON.stringify({ action: 'unsubscribe', topic: 'confirmation', ack: true }));
  const unsubscribed = await next();
  ws.close(1000);
  await new Promise(resolve => ws.once('close', resolve));
  process.stdout.write('RESULT ' + JSON.stringify({ pong, ack, sent, event, unsubscribed }) + '\n');
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write('ws interop failed: ' + (e && e.stack || e) + '\n');
    process.exit(1);
  }
);
