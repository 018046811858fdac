package api

import (
	"encoding/hex"
	"testing"
)

// The binary payloads of spec §2.2 (after the 8-byte preamble and length).
var (
	vecIsAlive         = mustHex("1400000000000e000c00000000000000070008000e00000000000003080000000400040004000000")
	vecAccountWeight   = mustHex("1400000000000e00120000000000080007000c000e00000000000006600000000c00000000000600080004000600000004000000410000006e616e6f5f3131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313168696663386e70700000000200000034320000")
	vecServiceRegister = mustHex("1400000000000e00120000000800000007000c000e0000000000000a200000000c000000000006000800040006000000040000000300000073766300060000007365637265740000")
	burnAccount        = "nano_1111111111111111111111111111111111111111111111111111hifc8npp"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func vectors() map[string][]byte {
	return map[string][]byte{"IsAlive": vecIsAlive, "AccountWeight": vecAccountWeight, "ServiceRegister": vecServiceRegister}
}

func TestVectorLengths(t *testing.T) {
	for name, want := range map[string]int{"IsAlive": 40, "AccountWeight": 132, "ServiceRegister": 72} {
		if got := len(vectors()[name]); got != want {
			t.Errorf("%s vector: %d bytes, want %d", name, got, want)
		}
	}
}
