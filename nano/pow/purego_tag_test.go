//go:build purego

package pow

import "testing"

func TestPuregoOnlyGeneric(t *testing.T) {
	if len(Kernels()) != 1 {
		t.Fatalf("purego build lists %v", names(Kernels()))
	}
}
