// Drives nipc's WebSocket with the real npm ws client (pinned in package-lock.json).
// Usage: node ws_denied.js WS_URL HTTP_URL SEND_JSON WITNESS_KEY
// For a node whose access file denies api_topic_confirmation to the default
// user. Without credentials it subscribes without an ack (which must get no
// frame: the pong of a ping sent after it comes first), then with an ack and
// an id (which must get the ack with the error). A second client, a witness
// subscribing with the api_key WITNESS_KEY, shows when the confirmation of a
// block sent through the gateway's legacy HTTP API is out; after it the first
// client's next frame must again be the pong of a ping: it got no
// confirmation. Prints one line "RESULT <json>" on stdout.
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

// open connects and returns the socket with next(), its messages in order.
async function open(url) {
  const ws = new WebSocket(url);
  const queue = [];
  const waiters = [];
  ws.on('message', data => {
    const msg = JSON.parse(data.toString());
    const w = waiters.shift();
    if (w) w(msg); else queue.push(msg);
  });
  ws.next = () => new Promise((resolve, reject) => {
    if (queue.length) return resolve(queue.shift());
    const t = setTimeout(() => reject(new Error('no message within 15s')), 15000);
    waiters.push(msg => { clearTimeout(t); resolve(msg); });
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return ws;
}

async function close(ws) {
  ws.close(1000);
  await new Promise(resolve => ws.once('close', resolve));
}

async function main() {
  const [wsURL, httpURL, sendBody, witnessKey] = process.argv.slice(2);
  const ws = await open(wsURL);
  ws.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', id: 'n1' }));
  ws.send(JSON.stringify({ action: 'ping', id: 'p1' }));
  const first = await ws.next();
  ws.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', ack: true, id: 'd1' }));
  const refused = await ws.next();

  const witness = await open(wsURL);
  witness.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', ack: true, api_key: witnessKey }));
  const witnessAck = await witness.next();
  const sent = JSON.parse(await post(httpURL, sendBody));
  let event;
  do { event = await witness.next(); } while (event.topic !== 'confirmation' || event.message.hash !== sent.block);
  await new Promise(resolve => setTimeout(resolve, 300));
  ws.send(JSON.stringify({ action: 'ping', id: 'p2' }));
  const after = await ws.next();

  await close(witness);
  await close(ws);
  process.stdout.write('RESULT ' + JSON.stringify({ first, refused, witnessAck, sent, witnessHash: event.message.hash, after }) + '\n');
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write('ws interop failed: ' + (e && e.stack || e) + '\n');
    process.exit(1);
  }
);
