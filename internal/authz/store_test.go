package authz

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestStoreReload(t *testing.T) {
	s, dir, path := newStore(t, "[[user]]\nid = \"k\"\n")
	if s.Path() != path {
		t.Errorf("Path() = %q", s.Path())
	}
	version := msg(t, "Version")
	steps := []struct {
		name    string
		file    string // "-": remove the file
		wantErr string
		want    bool // k may call Version afterwards
		wantDef bool // the live policy is the default policy
	}{
		{name: "start", file: "", want: false},
		{name: "grant", file: "[[user]]\nid = \"k\"\nallow = \"api_version\"\n", want: true},
		{name: "broken file keeps the old policy", file: "[[user]]\nid = \"k\"\nallow = \"api_version\"\ndeny = \"nope\"\n",
			wantErr: path + `:4:9: user.deny: unknown permission "nope"`, want: true},
		{name: "syntax error keeps the old policy", file: "[[user]\n",
			wantErr: path + ":1:7: expected ']]' to close array table name", want: true},
		{name: "revoke", file: "[[user]]\nid = \"k\"\ndeny = \"api_version\"\n", want: false},
		{name: "grant again", file: "[[user]]\nid = \"k\"\nallow = \"unrestricted\"\n", want: true},
		{name: "missing file is the default policy", file: "-", want: false, wantDef: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := s.Current()
			if st.file == "-" {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else if st.name != "start" {
				writeFile(t, dir, "config-access.toml", st.file)
			}
			if st.name != "start" {
				err := s.Reload()
				switch {
				case st.wantErr == "" && err != nil:
					t.Fatalf("Reload: %v", err)
				case st.wantErr != "" && (err == nil || err.Error() != st.wantErr):
					t.Fatalf("Reload: %v, want %s", err, st.wantErr)
				case st.wantErr != "" && s.Current() != before:
					t.Fatal("a failed reload replaced the policy")
				}
			}
			p := s.Current()
			if got := p.Permitted("k", version); got != st.want {
				t.Errorf("Permitted(k, Version) = %v, want %v", got, st.want)
			}
			if _, known := p.User("k"); known == st.wantDef {
				t.Errorf("user k known = %v", known)
			}
		})
	}
}

func TestNewStoreErrors(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "config-access.toml", "[[role]]\nid = \"r\"\ndeny = \"wallet\"\n")
	s, err := NewStore(path)
	if want := path + ":3:1: role.deny: only users can have deny entries"; s != nil || err == nil || err.Error() != want {
		t.Errorf("NewStore = %v, %v; want %s", s, err, want)
	}
	s, err = NewStore(filepath.Join(dir, "none.toml"))
	if err != nil || Describe(s.Current()) != Describe(Default()) {
		t.Errorf("NewStore(missing) = %v, %v", s, err)
	}
}

// TestStoreConcurrent reads the policy while it is reloaded; run with
// -race. Every reader sees one whole policy: user k either holds both
// permissions of a version of the file or neither.
func TestStoreConcurrent(t *testing.T) {
	files := []string{
		"[[user]]\nid = \"k\"\nallow = \"api_version, api_block_count\"\n",
		"[[user]]\nid = \"k\"\nbare = true\n",
		"[[user]]\nid = \"k\"\nallow = \"api_versio\"\n", // invalid: keeps the previous one
	}
	s, dir, path := newStore(t, files[0])
	version, count := msg(t, "Version"), msg(t, "BlockCount")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				p := s.Current()
				if p.Permitted("k", version) != p.Permitted("k", count) {
					t.Error("a reader saw half a policy")
					return
				}
			}
		})
	}
	for i := range 200 {
		// Write a temporary file and rename it, as an editor would, so
		// that Reload never reads a half-written file.
		tmp := writeFile(t, dir, "next.toml", files[i%len(files)])
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		err := s.Reload()
		if (err != nil) != (i%len(files) == 2) {
			t.Errorf("reload %d: %v", i, err)
		}
	}
	// Concurrent reloads are serialized.
	for range 4 {
		wg.Go(func() { _ = s.Reload() })
	}
	close(stop)
	wg.Wait()
}
