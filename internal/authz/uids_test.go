package authz

import (
	"os"
	"slices"
	"testing"
)

// TestUnixUser: unix_uids in every form the file allows maps each listed
// uid to its user; nothing else is mapped, root and the process's own uid
// included.
func TestUnixUser(t *testing.T) {
	forms := []struct{ name, file string }{
		{"arrays", `[[user]]
id = "ops"
unix_uids = [1000, 1001]
[[user]]
id = "root-key"
unix_uids = [0]
`},
		{"integers and TOML's integer forms", `[[user]]
id = "ops"
unix_uids = [1_000, 0x3E9]
[[user]]
id = "root-key"
unix_uids = 0
`},
		{"inline tables and dotted keys", `user = [
  { id = "ops", unix_uids = [+1000, 0o1751] },
  { id = "root-key", unix_uids = 0 },
]
`},
	}
	self := uint32(os.Getuid())
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			p := mustParse(t, f.file)
			tests := []struct {
				uid    uint32
				want   string
				listed bool
			}{
				{1000, "ops", true},
				{1001, "ops", true},
				{0, "root-key", true},
				{1002, "", false},
				{4294967294, "", false},
			}
			for _, tt := range tests {
				if got, ok := p.UnixUser(tt.uid); got != tt.want || ok != tt.listed {
					t.Errorf("UnixUser(%d) = %q, %v; want %q, %v", tt.uid, got, ok, tt.want, tt.listed)
				}
			}
			if self != 0 && self != 1000 && self != 1001 {
				if id, ok := p.UnixUser(self); ok {
					t.Errorf("the process's own uid %d acts as %q without being listed", self, id)
				}
			}
		})
	}
	if id, ok := Default().UnixUser(0); ok {
		t.Errorf("Default().UnixUser(0) = %q: root is special", id)
	}
	if id, ok := mustParse(t, "[[user]]\nid = \"k\"\nallow = \"api_version\"\n").UnixUser(self); ok {
		t.Errorf("a file without unix_uids maps the process's uid to %q", id)
	}
}

// TestUnixUIDsKeepPermissions: unix_uids says who a local peer is, not
// what it may do; the user's permissions are computed as without it.
func TestUnixUIDsKeepPermissions(t *testing.T) {
	with := mustParse(t, "[[user]]\nid = \"k\"\nallow = \"api_version\"\nunix_uids = 7\n[[user]]\nid = \"b\"\nbare = true\nunix_uids = 8\n")
	without := mustParse(t, "[[user]]\nid = \"k\"\nallow = \"api_version\"\n[[user]]\nid = \"b\"\nbare = true\n")
	for _, id := range []string{"", "k", "b"} {
		if got, want := perms(with, id), perms(without, id); !slices.Equal(got, want) {
			t.Errorf("user %q: %v, want %v", id, got, want)
		}
	}
	if !with.Permitted("k", msg(t, "Version")) {
		t.Error("k lost api_version")
	}
}

func TestDescribeUnixUIDs(t *testing.T) {
	p := mustParse(t, `[[user]]
id = "ops"
allow = "api_version"
unix_uids = [1000, 7]
[[user]]
id = "with space"
bare = true
unix_uids = 65534
`)
	want := `""            api_account_weight, api_topic_confirmation
ops           api_account_weight, api_topic_confirmation, api_version
"with space"  (none)

uid 7      ops
uid 1000   ops
uid 65534  "with space"
`
	if got := Describe(p); got != want {
		t.Errorf("Describe:\n%s\nwant:\n%s", got, want)
	}
}

// TestStoreReloadUnixUIDs: a reload swaps the uid mapping with the rest of
// the policy, and a bad mapping leaves the old one live.
func TestStoreReloadUnixUIDs(t *testing.T) {
	s, dir, path := newStore(t, "[[user]]\nid = \"a\"\nunix_uids = 1000\n[[user]]\nid = \"b\"\n")
	steps := []struct {
		name, file, wantErr string
		want                string // who uid 1000 is afterwards; "" none
	}{
		{name: "start", want: "a"},
		{name: "move to b", file: "[[user]]\nid = \"a\"\n[[user]]\nid = \"b\"\nunix_uids = 1000\n", want: "b"},
		{name: "listed twice keeps the old mapping",
			file:    "[[user]]\nid = \"a\"\nunix_uids = 1000\n[[user]]\nid = \"b\"\nunix_uids = 1000\n",
			wantErr: path + `:6:13: user.unix_uids: uid 1000 is already listed for another user (at line 3): a uid can act as one user only`,
			want:    "b"},
		{name: "unmapped", file: "[[user]]\nid = \"a\"\n[[user]]\nid = \"b\"\n", want: ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.file != "" {
				writeFile(t, dir, "config-access.toml", st.file)
				err := s.Reload()
				if st.wantErr == "" && err != nil || st.wantErr != "" && (err == nil || err.Error() != st.wantErr) {
					t.Fatalf("Reload: %v, want %q", err, st.wantErr)
				}
			}
			got, ok := s.Current().UnixUser(1000)
			if got != st.want || ok != (st.want != "") {
				t.Errorf("UnixUser(1000) = %q, %v; want %q", got, ok, st.want)
			}
		})
	}
}
