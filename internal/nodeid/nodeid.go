package nodeid

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// FileName is the node ID key's file in the data directory (the Nano node's
// name for it).
const FileName = "node_id_private.key"

// ErrBadKeyFile is returned (wrapped, with the path) for a key file whose
// content is not one private key in hex.
var ErrBadKeyFile = errors.New("nodeid: the file does not hold a private key in 64 hex digits")

// Parse decodes a key file's content: exactly 64 hex digits, optionally
// followed by line ends.
func Parse(b []byte) (nano.PrivateKey, error) {
	b = bytes.TrimRight(b, "\r\n")
	if len(b) != 64 {
		return nano.PrivateKey{}, ErrBadKeyFile
	}
	k, err := nano.ParsePrivateKey(string(b))
	if err != nil {
		return nano.PrivateKey{}, ErrBadKeyFile
	}
	return k, nil
}

// Load returns the node ID key kept in dir, creating the file with a new
// random key (mode 0600, written to a temporary file, synced and linked)
// if there is none.
func Load(dir string) (nano.PrivateKey, error) {
	path := filepath.Join(dir, FileName)
	b, err := ipc.ReadSecretFile(path)
	switch {
	case err == nil:
		k, err := Parse(b)
		if err != nil {
			return k, fmt.Errorf("%w: %s", err, path)
		}
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nano.PrivateKey{}, err
	}
	var k nano.PrivateKey
	if _, err := rand.Read(k[:]); err != nil {
		return k, fmt.Errorf("nodeid: %w", err)
	}
	if err := create(path, k); err != nil {
		return nano.PrivateKey{}, err
	}
	return k, nil
}

// create writes the key file atomically: no reader ever sees a partial key,
// and a key file that appeared meanwhile is not replaced.
func create(path string, k nano.PrivateKey) error {
	f, err := os.CreateTemp(filepath.Dir(path), FileName+".tmp*")
	if err != nil {
		return fmt.Errorf("nodeid: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful Link it removes only the temporary name
	err = f.Chmod(0o600)
	if err == nil {
		_, err = f.WriteString(k.Hex() + "\n")
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path) // fails if the file exists: never replace a key
	}
	if err != nil {
		return fmt.Errorf("nodeid: create %s: %w", path, err)
	}
	return nil
}
