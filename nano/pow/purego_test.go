package pow

import "testing"

// TestKernelsListed: the portable kernel is always last; with the purego
// tag it is the only one, and on amd64 without it the SIMD kernels this
// CPU supports come first.
func TestKernelsListed(t *testing.T) {
	ks := Kernels()
	if last := ks[len(ks)-1]; last.Name != "generic" || last.Lanes != 1 {
		t.Fatalf("last kernel %+v", last)
	}
	if len(ks) != len(simdKernels)+1 || Best().Name != ks[0].Name {
		t.Fatalf("kernels %v", ks)
	}
	t.Logf("kernels: %v", names(ks))
}

func names(ks []Kernel) []string {
	var s []string
	for _, k := range ks {
		s = append(s, k.Name)
	}
	return s
}
