//go:build unix

package ipc

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadSecretFileRefusesAPipe(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	_, err := ReadSecretFile(p) // must not block opening it
	if err == nil || !strings.Contains(err.Error(), "is a named pipe, not a regular file") || !strings.Contains(err.Error(), p) {
		t.Fatalf("got %v", err)
	}
}
