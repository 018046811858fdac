package natsbus

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/ipc"
)

// TestConnectRefusesLooseCredentials: a creds or nkey seed file that
// others may read is refused like the access-check secret, naming the
// chmod; a missing one names the file.
func TestConnectRefusesLooseCredentials(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("SUAGMJH5XLGZKQQWAWKRZJIGMOU4HPFUYLXJMXOO5NLFEO2OJQJ5LPRDPI\n"), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	tests := []struct {
		name string
		cfg  func(p string) config.NATS
		mode os.FileMode
		want string
	}{
		{"creds 0644", func(p string) config.NATS { c := config.DefaultNATS(); c.CredsFile = p; return c }, 0o644,
			"nats creds_file: secret file <p> has mode 0644: it must not be readable by others; run: chmod 600 <p>"},
		{"nkey 0620", func(p string) config.NATS { c := config.DefaultNATS(); c.NkeySeedFile = p; return c }, 0o620,
			"nats nkey_seed_file: secret file <p> has mode 0620: it must not be writable by its group; run: chmod 600 <p>"},
		{"nkey 0604", func(p string) config.NATS { c := config.DefaultNATS(); c.NkeySeedFile = p; return c }, 0o604,
			"nats nkey_seed_file: secret file <p> has mode 0604: it must not be readable by others; run: chmod 600 <p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tt.name, " ", "_"), tt.mode)
			_, _, err := Connect(context.Background(), tt.cfg(p), "test", slog.New(slog.DiscardHandler))
			if _, ok := errors.AsType[*ipc.SecretFileError](err); !ok {
				t.Fatalf("error %v is no *ipc.SecretFileError", err)
			}
			if want := strings.ReplaceAll(tt.want, "<p>", p); err.Error() != want {
				t.Errorf("error:\n got %q\nwant %q", err, want)
			}
		})
	}
	c := config.DefaultNATS()
	c.CredsFile = filepath.Join(dir, "missing.creds")
	if _, _, err := Connect(context.Background(), c, "test", slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "missing.creds") {
		t.Errorf("missing creds file: error %v", err)
	}
}
