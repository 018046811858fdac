//go:build !race

package broker

// loadBlocks is TestNoGapUnderLoad's block count (see race_on_test.go).
const loadBlocks = 100_000
