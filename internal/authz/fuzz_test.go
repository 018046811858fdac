package authz

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nipc/nipc/api"
)

// FuzzParse feeds arbitrary bytes as config-access.toml (the seed corpus
// is testdata/fuzz/FuzzParse). Parsing never panics. It returns either
// errors that are all *Error values naming the file, in file order, and
// no policy; or a policy with the default user first, which renders to a
// file that parses back to the same permissions.
func FuzzParse(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("[[user]]\nid = \"k\"\nallow = \"wallet_read\"\n"))
	f.Add([]byte("[[user]]\nid = \"k\"\nunix_uids = [0, 1_000, 0x3E9, 4294967294]\n"))
	f.Add([]byte("[[user]]\nid = \"a\"\nunix_uids = 7\n[[user]]\nid = \"b\"\nunix_uids = [-1, \"8\", 7]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(testPath, data)
		if err != nil {
			if p != nil {
				t.Fatal("a failed parse returned a policy")
			}
			var last *Error
			for _, e := range splitErrors(err) {
				pe, ok := errors.AsType[*Error](e)
				if !ok || pe.Path != testPath {
					t.Fatalf("error %v (%T) does not name the file", e, e)
				}
				if strings.Contains(pe.Msg, "\n") {
					t.Fatalf("error %q spans lines", pe.Msg)
				}
				if last != nil && pe.Line > 0 && (pe.Line < last.Line || pe.Line == last.Line && pe.Column < last.Column) {
					t.Fatalf("errors out of order: %v before %v", last, pe)
				}
				if pe.Line > 0 {
					last = pe
				}
			}
			return
		}
		ids := p.Users()
		if len(ids) == 0 || ids[0] != "" {
			t.Fatalf("Users() = %q: the default user is not first", ids)
		}
		_ = Describe(p)
		again, err := Parse(testPath, []byte(render(p)))
		if err != nil {
			t.Fatalf("rendered policy does not parse: %v\n%s", err, render(p))
		}
		if Describe(again) != Describe(p) {
			t.Fatalf("round trip:\n%s\nwant:\n%s", Describe(again), Describe(p))
		}
	})
}

// render writes a policy as an access file with bare users that list
// their effective permissions and their unix_uids.
func render(p *Policy) string {
	var b strings.Builder
	for _, id := range p.Users() {
		u, _ := p.User(id)
		names := make([]string, 0, len(u.Permissions()))
		for _, perm := range u.Permissions() {
			names = append(names, tomlQuote(string(perm)))
		}
		fmt.Fprintf(&b, "[[user]]\nid = %s\nbare = true\nallow = [%s]\n", tomlQuote(id), strings.Join(names, ", "))
		var uids []string
		for _, uid := range slices.Sorted(maps.Keys(p.uids)) {
			if p.uids[uid] == id {
				uids = append(uids, strconv.FormatUint(uint64(uid), 10))
			}
		}
		if len(uids) > 0 {
			fmt.Fprintf(&b, "unix_uids = [%s]\n", strings.Join(uids, ", "))
		}
	}
	return b.String()
}

// tomlQuote quotes s as a TOML basic string.
func tomlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		case r == utf8.RuneError:
			b.WriteString("\\uFFFD")
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestRender(t *testing.T) {
	p := mustParse(t, "[[user]]\nid = \"a\\\"b\\u0001\"\nallow = \"unrestricted\"\n")
	q := mustParse(t, render(p))
	if Describe(p) != Describe(q) {
		t.Errorf("%s != %s", Describe(p), Describe(q))
	}
	if u, _ := q.User("a\"b\x01"); !u.Has(api.PermUnrestricted) {
		t.Error("round trip lost unrestricted")
	}
}
