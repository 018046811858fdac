package nodeid_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/nodeid"
	"github.com/nipc/nipc/ipc"
)

func TestLoadCreatesOnceThenReads(t *testing.T) {
	dir := t.TempDir()
	k1, err := nodeid.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, nodeid.FileName)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("mode %04o, want 0600", m)
	}
	b, _ := os.ReadFile(path)
	if string(b) != k1.Hex()+"\n" {
		t.Errorf("file holds %q, want the key in hex and a newline", b)
	}
	k2, err := nodeid.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k1 != k2 {
		t.Error("a second Load made a new key")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	other := t.TempDir()
	k3, err := nodeid.Load(other)
	if err != nil {
		t.Fatal(err)
	}
	if k3 == k1 {
		t.Error("two data directories got the same key")
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		mode    os.FileMode
		want    func(error) bool
	}{
		{"not hex", strings.Repeat("z", 64) + "\n", 0o600, func(err error) bool { return errors.Is(err, nodeid.ErrBadKeyFile) }},
		{"short", "ABCD\n", 0o600, func(err error) bool { return errors.Is(err, nodeid.ErrBadKeyFile) }},
		{"two keys", strings.Repeat("A", 64) + "\n" + strings.Repeat("B", 64) + "\n", 0o600, func(err error) bool { return errors.Is(err, nodeid.ErrBadKeyFile) }},
		{"readable by others", strings.Repeat("A", 64) + "\n", 0o644, func(err error) bool {
			_, ok := errors.AsType[*ipc.SecretFileError](err)
			return ok
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, nodeid.FileName)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tc.mode)
			_, err := nodeid.Load(dir)
			if err == nil || !tc.want(err) {
				t.Fatalf("Load: %v", err)
			}
			if strings.Contains(err.Error(), strings.Repeat("A", 64)) {
				t.Errorf("the error shows the key: %v", err)
			}
			b, _ := os.ReadFile(path)
			if string(b) != tc.content {
				t.Error("Load changed a file it refused")
			}
		})
	}
}

func TestParse(t *testing.T) {
	hex := "34F0A37AAD20F4A260F0A5B3CB3D7FB50673212263E58A380BC10474BB039CE4"
	for _, in := range []string{hex, hex + "\n", hex + "\r\n", strings.ToLower(hex)} {
		k, err := nodeid.Parse([]byte(in))
		if err != nil || k.Hex() != hex {
			t.Errorf("Parse(%q) = %s, %v", in, k.Hex(), err)
		}
	}
	for _, in := range []string{"", "\n", " " + hex, hex + " ", hex[:63], hex + "0"} {
		if _, err := nodeid.Parse([]byte(in)); !errors.Is(err, nodeid.ErrBadKeyFile) {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("34F0A37AAD20F4A260F0A5B3CB3D7FB50673212263E58A380BC10474BB039CE4\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := nodeid.Parse(b)
		if err != nil {
			return
		}
		again, err := nodeid.Parse([]byte(k.Hex()))
		if err != nil || again != k {
			t.Fatalf("%q parsed to %s, which does not parse back", b, k.Hex())
		}
	})
}
