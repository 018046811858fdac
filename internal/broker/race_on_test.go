//go:build race

package broker

// loadBlocks is TestNoGapUnderLoad's block count. Under the race detector
// the ledger's work per block (an ed25519 verification, about half of it,
// and the bbolt commits) runs some seven times slower: 100,000 blocks took
// 156 s on the 2-core test machine, plus 100 s to sign them; 8,000 take
// about 17 s (6 s to process, 11 s to sign).
const loadBlocks = 8_000
