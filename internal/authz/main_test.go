package authz

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nipc/nipc/api"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testPath names the file in Parse errors.
const testPath = "/data/config-access.toml"

// mustParse parses text or fails the test.
func mustParse(t *testing.T, text string) *Policy {
	t.Helper()
	p, err := Parse(testPath, []byte(text))
	if err != nil {
		t.Fatalf("Parse:\n%s\nerror: %v", text, err)
	}
	return p
}

// msg returns the registry entry of a message by name.
func msg(t *testing.T, name string) api.MessageInfo {
	t.Helper()
	m, ok := api.LookupMessageName(name)
	if !ok {
		t.Fatalf("no message %q", name)
	}
	return m
}

// writeFile writes text to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newStore writes text as config-access.toml in a new temporary directory
// and returns a store serving it, the directory and the file's path.
func newStore(t *testing.T, text string) (s *Store, dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = writeFile(t, dir, "config-access.toml", text)
	s, err := NewStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir, path
}

// perms returns a user's sorted permissions, nil when the user is unknown.
func perms(p *Policy, id string) []api.Permission {
	u, ok := p.User(id)
	if !ok {
		return nil
	}
	return u.Permissions()
}

// sorted returns the permissions sorted by name.
func sorted(ps ...api.Permission) []api.Permission {
	return slices.Sorted(slices.Values(ps))
}

// allPermissions is the whole catalog, sorted by name.
func allPermissions() []api.Permission {
	var all []api.Permission
	for _, info := range api.Permissions() {
		all = append(all, info.Name)
	}
	return sorted(all...)
}

// without returns all minus the listed permissions.
func without(all []api.Permission, drop ...api.Permission) []api.Permission {
	return slices.DeleteFunc(slices.Clone(all), func(p api.Permission) bool { return slices.Contains(drop, p) })
}
