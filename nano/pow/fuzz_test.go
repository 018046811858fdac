package pow

import "testing"

// FuzzKernels: every kernel, on any root and nonce, computes what x/crypto
// does.
func FuzzKernels(f *testing.F) {
	f.Add(make([]byte, 32), uint64(0))
	f.Add([]byte("\xb0\x31\x1e\xa5\x57\x08\xd6\xa5\x3c\x75\xcd\xbf\x88\x30\x02\x59\xc6\xd0\x18\x52\x2f\xe3\xd4\xd0\xa2\x42\xe4\x31\xf9\xe8\xb6\xd0"), uint64(0x7b42a00ee91d5810))
	f.Fuzz(func(t *testing.T, b []byte, start uint64) {
		var root [32]byte
		copy(root[:], b)
		for _, k := range Kernels() {
			for i, got := range Difficulties(k, root, start) {
				if want := reference(root, start+uint64(i)); got != want {
					t.Fatalf("%s lane %d on %x: %x, want %x", k.Name, i, root, got, want)
				}
			}
		}
		// The search's answer reaches the threshold: 1 in 256 nonces at most
		// does, so 4096 nonces all but surely hold one.
		thr := uint64(root[0]) << 56
		n, ok := Best().search(prepare(&root, thr), start, 1<<12)
		if !ok || reference(root, n) < thr || (n-start) >= 1<<12 {
			t.Fatalf("threshold %x from %x: %x, %v", thr, start, n, ok)
		}
	})
}
