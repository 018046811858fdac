// Package interop holds the tests that drive nipc with the real npm clients
// pinned in package-lock.json (nano-ipc, nanocurrency, nano-wallet-js, ws). They need Node.js
// and `npm ci --prefix interop`; without node_modules they fail, unless
// NIPC_SKIP_INTEROP=1 says to skip them.
package interop
