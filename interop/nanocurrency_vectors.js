'use strict'
// Answers nipc's interop test (nano/interop_test.go) with the results of the
// real npm nanocurrency@2.5.0 for the cases it is given.
//
// Input on stdin, one JSON object; every list is optional:
//   keys:     [{seed, index}]                       deriveSecretKey/derivePublicKey/deriveAddress
//   blocks:   [{account, previous, representative, balance, link, secretKey}]
//                                                   hashBlock, then signBlock with secretKey
//   verify:   [{hash, signature, publicKey}]        verifyBlock
//   validate: [{blockHash, work, threshold}]        validateWork (blockHash is the work root)
//   compute:  [{blockHash, threshold}]              computeWork with workThreshold
// Output on stdout, one JSON object with a list of results for each input
// list, in order. Errors go to stderr with exit status 1.

const nano = require('nanocurrency')

function readStdin () {
  return new Promise((resolve, reject) => {
    const chunks = []
    process.stdin.on('data', (c) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

async function answer (req) {
  const out = { keys: [], blocks: [], verify: [], validate: [], compute: [] }
  for (const k of req.keys || []) {
    const secretKey = nano.deriveSecretKey(k.seed, k.index)
    const publicKey = nano.derivePublicKey(secretKey)
    const address = nano.deriveAddress(publicKey, { useNanoPrefix: true })
    out.keys.push({
      secretKey,
      publicKey,
      address,
      xrbAddress: nano.deriveAddress(publicKey),
      publicKeyFromAddress: nano.derivePublicKey(address)
    })
  }
  for (const b of req.blocks || []) {
    const hash = nano.hashBlock({
      account: b.account,
      previous: b.previous,
      representative: b.representative,
      balance: b.balance,
      link: b.link
    })
    out.blocks.push({ hash, signature: nano.signBlock({ hash, secretKey: b.secretKey }) })
  }
  for (const v of req.verify || []) {
    out.verify.push(nano.verifyBlock(v))
  }
  for (const v of req.validate || []) {
    out.validate.push(nano.validateWork(v))
  }
  for (const c of req.compute || []) {
    out.compute.push(await nano.computeWork(c.blockHash, { workThreshold: c.threshold }))
  }
  return out
}

readStdin()
  .then((text) => answer(JSON.parse(text)))
  .then((out) => {
    process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0))
  })
  .catch((err) => {
    process.stderr.write(String(err && err.stack ? err.stack : err) + '\n')
    process.exit(1)
  })
