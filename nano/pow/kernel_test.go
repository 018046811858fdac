package pow

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/crypto/blake2b"
	"pgregory.net/rapid"
)

// reference is blake2b-64(nonce || root) as x/crypto computes it.
func reference(root [32]byte, nonce uint64) uint64 {
	h, err := blake2b.New(8, nil)
	if err != nil {
		panic(err)
	}
	var in [40]byte
	binary.LittleEndian.PutUint64(in[:], nonce)
	copy(in[8:], root[:])
	h.Write(in[:])
	return binary.LittleEndian.Uint64(h.Sum(nil))
}

func mustRoot(t testing.TB, s string) [32]byte {
	t.Helper()
	var r [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("bad root %q", s)
	}
	copy(r[:], b)
	return r
}

// TestVectors: every kernel, in every lane, on the documentation's vectors.
func TestVectors(t *testing.T) {
	cases := []struct {
		name       string
		root       string
		work, want uint64
	}{
		// docs.nano.org, RPC protocol, work_generate's example answer.
		{"docs work_generate", "718CC2121C3E641059BC1C2CFC45666C99E8AE922F7A807B7D07B62C995D79E2", 0x2b3d689bbcb21dca, 0xfffffff93c41ec94},
		// The dev and live genesis open blocks' work on their accounts (nano-node).
		{"dev genesis", "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0", 0x7b42a00ee91d5810, 0xff1475ba5c832b89},
		{"live genesis", "E89208DD038FBB269987689621D52292AE9C35941A7484756ECCED92A65093BA", 0x62f05417dd3fb691, 0xfffffff4000d3dac},
		// nanocurrency-js's INVALID_WORK vector (below ffffffc000000000).
		{"nanocurrency-js invalid", "3ed191ec702f384514ba35e1f9081148df5a9ab48fe0f604b6e5b9f7177cee32", 0xbb6737f2daf01a2c, 0x74bbaa4490886de7},
		{"zero", strings.Repeat("0", 64), 0, 0xd60fba25f7d14965},
	}
	for _, k := range Kernels() {
		for _, c := range cases {
			root := mustRoot(t, c.root)
			if got := reference(root, c.work); got != c.want {
				t.Fatalf("%s: x/crypto says %x, the table %x", c.name, got, c.want)
			}
			for lane := range k.Lanes {
				if got := Difficulties(k, root, c.work-uint64(lane))[lane]; got != c.want {
					t.Errorf("%s %s lane %d: %x, want %x", k.Name, c.name, lane, got, c.want)
				}
			}
		}
	}
}

// TestKernelsMatchReference: random roots and nonces, every lane of every kernel.
func TestKernelsMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var root [32]byte
		copy(root[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "root"))
		start := rapid.Uint64().Draw(t, "start")
		for _, k := range Kernels() {
			for i, got := range Difficulties(k, root, start) {
				if want := reference(root, start+uint64(i)); got != want {
					t.Fatalf("%s lane %d: %x, want %x", k.Name, i, got, want)
				}
			}
		}
	})
}

// TestKernelThreshold: each kernel returns the first nonce that reaches the
// threshold, at the boundary (difficulty == threshold) and one above it,
// across steps, and nothing when none does.
func TestKernelThreshold(t *testing.T) {
	root := [32]byte{7, 7, 7}
	const n = 64
	var ds [n]uint64
	for i := range ds {
		ds[i] = reference(root, 1000+uint64(i))
	}
	first := func(thr uint64) (uint64, bool) {
		for i, d := range ds {
			if d >= thr {
				return 1000 + uint64(i), true
			}
		}
		return 0, false
	}
	for _, k := range Kernels() {
		for _, thr := range []uint64{ds[n-1], ds[n-1] + 1, ds[37], ds[37] + 1, ds[5], 1, ^uint64(0)} {
			wantN, wantOK := first(thr)
			gotN, gotOK := k.search(prepare(&root, thr), 1000, n)
			if gotOK != wantOK || gotN != wantN {
				t.Errorf("%s threshold %x: (%d, %v), want (%d, %v)", k.Name, thr, gotN, gotOK, wantN, wantOK)
			}
		}
		if _, ok := k.search(prepare(&root, 1), 0, 0); ok {
			t.Errorf("%s found a nonce in no nonces", k.Name)
		}
		// Nonces wrap around 2^64 as the node's do.
		wrap := ^uint64(0) - 2
		for i, got := range Difficulties(k, root, wrap) {
			if want := reference(root, wrap+uint64(i)); got != want {
				t.Errorf("%s wrap lane %d: %x, want %x", k.Name, i, got, want)
			}
		}
	}
}
