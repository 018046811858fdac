// Validates proof of work with the real npm nanocurrency client (pinned in
// package-lock.json): validateWork for each case given.
// Usage: node work_validate.js '[{"blockHash": HEX, "work": HEX, "threshold": HEX}, ...]'
// Prints one line "RESULT <json array of booleans>" on stdout.
'use strict';
const nano = require('nanocurrency');

const cases = JSON.parse(process.argv[2]);
console.log('RESULT ' + JSON.stringify(cases.map((c) => nano.validateWork(c))));
