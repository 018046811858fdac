package nano

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// mustHex32 returns the bytes of a 64-digit hex vector, or fails the test.
func mustHex32(t testing.TB, s string) [32]byte {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil || len(s) != 64 {
		t.Fatalf("bad 32-byte hex vector %q: %v", s, err)
	}
	return h
}
