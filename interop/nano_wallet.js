// Drives nipc's HTTP RPC with the real npm nano-wallet-js client (pinned in
// package-lock.json), and watches the WebSocket with the npm ws client.
// Usage: node nano_wallet.js HTTP_URL WS_URL SENDER_KEY SENDER_STATE_JSON RECIPIENT_KEY AMOUNT_RAW
//
// nano-wallet-js builds, signs and hashes the blocks itself (with the npm
// nanocurrency library) and calls account_info, receivable, work_generate
// and process over HTTP. The sender's state carries work for its frontier
// (nano-wallet-js's own state API): the library asks for the live send
// threshold, 2^29 hashes, which takes tens of seconds on two shared cores;
// the recipient's open asks nipc's work_generate for the live receive
// threshold (2^23 hashes). One line "RESULT <json>" on stdout.
'use strict';
const NanoWallet = require('nano-wallet-js').default;
const WebSocket = require('ws');

async function main() {
  const [httpURL, wsURL, senderKey, senderState, recipientKey, amount] = process.argv.slice(2);
  const common = { rpcUrls: [httpURL], workerUrls: [httpURL], precomputeWork: false, debug: false };
  const sender = new NanoWallet({ ...common, privateKey: senderKey, representative: JSON.parse(senderState).representative }, JSON.parse(senderState));
  const recipient = new NanoWallet({ ...common, privateKey: recipientKey, representative: sender.account });

  const ws = new WebSocket(wsURL);
  const seen = new Map();
  let onEvent = () => {};
  ws.on('message', data => {
    const msg = JSON.parse(data.toString());
    if (msg.topic === 'confirmation') {
      seen.set(msg.message.hash, msg.message.block.subtype);
      onEvent();
    }
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  ws.send(JSON.stringify({ action: 'subscribe', topic: 'confirmation', ack: true, options: { accounts: [recipient.account], include_block: true } }));
  await new Promise(resolve => ws.once('message', resolve)); // the ack

  await sender.sync();
  const sent = await sender.send(recipient.account, amount);
  await recipient.sync();
  const received = await recipient.receive(sent.hash);
  await recipient.sync();

  const want = [sent.hash, received.hash];
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('confirmations not seen within 15s: ' + JSON.stringify([...seen]))), 15000);
    onEvent = () => { if (want.every(h => seen.has(h))) { clearTimeout(t); resolve(); } };
    onEvent();
  });
  ws.close(1000);
  console.log('RESULT ' + JSON.stringify({
    send: sent.hash, receive: received.hash,
    senderBalance: sender.balance, recipientBalance: recipient.balance, recipientFrontier: recipient.frontier,
    confirmations: want.map(h => ({ hash: h, subtype: seen.get(h) })),
  }));
}

main().catch(err => { console.error(err && err.stack || String(err)); process.exit(1); });
