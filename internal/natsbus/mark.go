package natsbus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MarkFile is the file in the data directory holding the acknowledged
// mark: the highest confirmation sequence the stream has acknowledged,
// with everything below it, in decimal.
const MarkFile = "nats-acked"

// ReadMark reads the mark at path; a missing file is 0 (nothing
// published yet).
func ReadMark(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("natsbus: %w", err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("natsbus: %s does not hold a sequence number: %q", path, b)
	}
	return n, nil
}

// WriteMark replaces the mark at path atomically: a new file, synced,
// renamed over the old one.
func WriteMark(path string, n uint64) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), MarkFile+".tmp*")
	if err != nil {
		return fmt.Errorf("natsbus: %w", err)
	}
	_, err = tmp.WriteString(strconv.FormatUint(n, 10) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("natsbus: write the acknowledged mark: %w", err)
	}
	return nil
}
