// Builds state blocks with the real npm nanocurrency client (pinned in
// package-lock.json): createBlock for each case given, with the work given.
// Usage: node epoch_blocks.js '[{"secretKey", "previous" (or null),
//   "representative", "balance", "link", "work"}, ...]'
// Prints one line "RESULT <json array of {hash, block}>" on stdout.
'use strict';
const nano = require('nanocurrency');

const cases = JSON.parse(process.argv[2]);
console.log('RESULT ' + JSON.stringify(cases.map((c) => {
  const { secretKey, ...data } = c;
  return nano.createBlock(secretKey, data);
})));
