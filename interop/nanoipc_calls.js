// Drives a node with the real npm nano-ipc client (pinned in package-lock.json).
// Usage: node nanoipc_calls.js unix:/path/to/socket | tcp:host:port  ACTION_JSON...
// Prints one line "RESULT <json array of replies>" on stdout.
'use strict';
const { Client } = require('nano-ipc');

async function main() {
  const [target, ...requests] = process.argv.slice(2);
  let where;
  if (target.startsWith('unix:')) {
    where = target.slice(5);
  } else if (target.startsWith('tcp:')) {
    const i = target.lastIndexOf(':');
    where = { host: target.slice(4, i), port: Number(target.slice(i + 1)) };
  } else {
    throw new Error('target must be unix:PATH or tcp:HOST:PORT');
  }
  const client = new Client(where);
  client.autoConnect = false;
  const replies = [];
  for (const r of requests) {
    replies.push(await client.call(JSON.parse(r)));
  }
  await client.disconnect();
  process.stdout.write('RESULT ' + JSON.stringify(replies) + '\n');
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write('nano-ipc interop failed: ' + (e && e.stack || e) + '\n');
    process.exit(1);
  }
);
