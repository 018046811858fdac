package authz

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nipc/nipc/internal/tomlerr"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The two kinds of entries an access file holds, and their keys.
const (
	kindRole = "role"
	kindUser = "user"
)

var (
	roleKeys = []string{"id", "allow", "deny"} // deny is rejected with its own message
	userKeys = []string{"id", "roles", "allow", "deny", "bare", keyUnixUIDs}
)

// keyUnixUIDs lists the local user ids whose Unix-socket connections act
// as the user when a request carries no credentials.
const keyUnixUIDs = "unix_uids"

// maxUID is the largest uid unix_uids accepts: uid_t is 32 bits, and
// (uid_t)-1 means "no uid" to the kernel.
const maxUID = 1<<32 - 2

// entry is one [[role]] or [[user]] as written, with positions.
type entry struct {
	kind string
	at   pos   // its [[header]], its inline table, or its first dotted key
	id   *item // nil when the entry has no id key
	// badID is set when the id key is there but could not be read.
	badID bool
	// roles, allow and deny list the items in file order (empty items
	// skipped, nothing checked yet).
	roles, allow, deny []item
	bare               bool
	uids               []uidItem // unix_uids, in file order
}

// uidItem is one uid of unix_uids and where it is.
type uidItem struct {
	uid uint32
	at  pos
}

// item is a string value, or one item of a list, and where it is.
type item struct {
	name string
	at   pos
}

// keyPart is one part of a (possibly dotted) key.
type keyPart struct {
	name string
	at   pos
	off  int // byte offset of at
}

// reader turns the TOML document into entries. It only ever sees
// documents go-toml has accepted, so the document is valid TOML: keys are
// not repeated and tables are not redefined.
type reader struct {
	ps      *problems
	p       unstable.Parser
	entries []*entry          // in file order
	dotted  map[string]*entry // the table a root dotted key (role.id = …) made
	cur     *entry            // the entry the current [header] opened
	skip    bool              // the current [header] was reported; ignore its keys
	lines   tomlerr.Lines
}

// readEntries parses data (valid TOML or not) and returns its entries.
// Problems go to ps.
func readEntries(ps *problems, data []byte) []*entry {
	// go-toml checks the document as a whole (syntax, repeated keys,
	// redefined tables) and places the first problem.
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		if de, ok := errors.AsType[*toml.DecodeError](err); ok {
			line, col := de.Position()
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			ps.add(pos{Line: line, Column: col}, "%s%s", msg, tomlerr.BareValueHint(msg, tomlerr.LineText(data, line)))
		} else {
			ps.add(pos{}, "%s", strings.TrimPrefix(err.Error(), "toml: "))
		}
		return nil
	}
	r := &reader{ps: ps, dotted: make(map[string]*entry), lines: tomlerr.NewLines(data)}
	r.p.Reset(data)
	for r.p.NextExpression() {
		e := r.p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			r.header(e)
		case unstable.KeyValue:
			switch {
			case r.skip:
			case r.cur != nil:
				r.field(r.cur, r.key(e), e.Value())
			default:
				r.rootKeyValue(e)
			}
		}
	}
	if err := r.p.Error(); err != nil {
		// Not reached for a document go-toml accepted; kept so that a
		// disagreement between its two parsers is an error, not a panic.
		ps.add(pos{}, "%s", err.Error())
		return nil
	}
	return r.entries
}

// header handles [table] and [[array.table]] lines.
func (r *reader) header(e *unstable.Node) {
	k := r.key(e)
	r.cur, r.skip = nil, true
	open, shut := "[", "]"
	if e.Kind == unstable.ArrayTable {
		open, shut = "[[", "]]"
	}
	at := r.headerPos(k[0])
	kind := k[0].name
	if kind != kindRole && kind != kindUser {
		r.ps.add(at, "unknown table %s%s%s%s", open, joinKey(k), shut, tomlerr.DidYouMean(open, tomlerr.Closest(kind, kindRole, kindUser), shut))
		return
	}
	if len(k) > 1 {
		got := "a table"
		if e.Kind == unstable.ArrayTable {
			got = "an array of tables"
		}
		if k[1].name == "id" {
			// [user.id] is a table inside the last [[user]].
			for _, en := range slices.Backward(r.entries) {
				if en.kind == kind {
					en.badID = true
					break
				}
			}
		}
		r.nested(kind, k[1:], at, got)
		return
	}
	r.cur, r.skip = r.newEntry(kind, at), false
}

// rootKeyValue handles a key = value line before the first header.
func (r *reader) rootKeyValue(e *unstable.Node) {
	k := r.key(e)
	kind := k[0].name
	if kind != kindRole && kind != kindUser {
		r.ps.add(k[0].at, "unknown key %s%s", joinKey(k), tomlerr.DidYouMean("", tomlerr.Closest(kind, kindRole, kindUser), ""))
		return
	}
	v := e.Value()
	if len(k) > 1 {
		// role.id = "x": a dotted key makes the table role.
		en := r.dotted[kind]
		if en == nil {
			en = r.newEntry(kind, k[0].at)
			r.dotted[kind] = en
		}
		r.field(en, k[1:], v)
		return
	}
	switch v.Kind {
	case unstable.InlineTable:
		r.inline(kind, v)
	case unstable.Array:
		for it := v.Children(); it.Next(); {
			c := it.Node()
			if c.Kind != unstable.InlineTable {
				r.ps.add(r.lines.Node(c, k[0].at), "%s: expected an array of tables, got %s in it", kind, describe(c))
				continue
			}
			r.inline(kind, c)
		}
	default:
		r.ps.add(r.lines.Node(v, k[0].at), "%s: expected a table or an array of tables, got %s", kind, describe(v))
	}
}

// inline reads one inline table as an entry.
func (r *reader) inline(kind string, t *unstable.Node) {
	en := r.newEntry(kind, r.lines.Node(t, pos{}))
	for it := t.Children(); it.Next(); {
		if kv := it.Node(); kv.Kind == unstable.KeyValue {
			r.field(en, r.key(kv), kv.Value())
		}
	}
}

func (r *reader) newEntry(kind string, at pos) *entry {
	en := &entry{kind: kind, at: at}
	r.entries = append(r.entries, en)
	return en
}

// nested reports a key below an entry's key (user.allow.x, [user.x]).
func (r *reader) nested(kind string, k []keyPart, at pos, got string) {
	name := k[0].name
	if name == "deny" && kind == kindRole {
		r.ps.add(at, "role.deny: only users can have deny entries")
		return
	}
	if want := wantFor(kind, name); want != "" {
		r.ps.add(at, "%s.%s: expected %s, got %s", kind, name, want, got)
		return
	}
	r.unknownKey(kind, k, at)
}

func (r *reader) unknownKey(kind string, k []keyPart, at pos) {
	keys := userKeys
	if kind == kindRole {
		keys = roleKeys[:2]
	}
	best := tomlerr.Closest(k[0].name, keys...)
	if kind == kindUser && strings.Contains(strings.ToLower(k[0].name), "uid") {
		best = keyUnixUIDs // uid, uids, unix_uid: closer in meaning than in spelling
	}
	hint := tomlerr.DidYouMean(kind+".", best, "")
	r.ps.add(at, "unknown key %s.%s%s", kind, joinKey(k), hint)
}

// wantFor describes the value key name takes in an entry of kind; "" when
// the entry has no such key.
func wantFor(kind, name string) string {
	switch name {
	case "id":
		return "a string"
	case "allow":
		return "a string or an array of strings"
	case "roles", "deny":
		if kind == kindUser {
			return "a string or an array of strings"
		}
	case "bare":
		if kind == kindUser {
			return "true or false"
		}
	case keyUnixUIDs:
		if kind == kindUser {
			return "an integer or an array of integers"
		}
	}
	return ""
}

// field stores key = v in en.
func (r *reader) field(en *entry, k []keyPart, v *unstable.Node) {
	kind, name := en.kind, k[0].name
	if len(k) > 1 {
		en.badID = en.badID || name == "id"
		r.nested(kind, k, k[0].at, "a table")
		return
	}
	full := kind + "." + name
	switch {
	case name == "deny" && kind == kindRole:
		r.ps.add(k[0].at, "role.deny: only users can have deny entries")
	case wantFor(kind, name) == "":
		r.unknownKey(kind, k, k[0].at)
	case name == "id":
		if v.Kind != unstable.String {
			r.ps.add(r.lines.Node(v, k[0].at), "%s: expected a string, got %s", full, describe(v))
			en.badID = true
			return
		}
		en.id = &item{name: string(v.Data), at: r.lines.Node(v, k[0].at)}
	case name == "bare":
		switch s := string(v.Data); {
		case v.Kind == unstable.Bool, v.Kind == unstable.String && (s == "true" || s == "false"):
			en.bare = s == "true"
		case v.Kind == unstable.String:
			r.ps.add(r.lines.Node(v, k[0].at), "%s: expected true or false, got %q", full, s)
		default:
			r.ps.add(r.lines.Node(v, k[0].at), "%s: expected true or false, got %s", full, describe(v))
		}
	case name == keyUnixUIDs:
		en.uids = r.uids(full, v, k[0].at)
	default:
		items := r.list(full, v, k[0].at)
		switch name {
		case "roles":
			en.roles = items
		case "allow":
			en.allow = items
		case "deny":
			en.deny = items
		}
	}
}

// list reads a permission or role list: one comma-separated string, or an
// array of strings. Items are trimmed; empty items are skipped.
func (r *reader) list(full string, v *unstable.Node, keyAt pos) []item {
	var items []item
	switch v.Kind {
	case unstable.String:
		items = r.split(v, keyAt)
	case unstable.Array:
		for it := v.Children(); it.Next(); {
			c := it.Node()
			if c.Kind != unstable.String {
				r.ps.add(r.lines.Node(c, keyAt), "%s: expected an array of strings, got %s in it", full, describe(c))
				continue
			}
			if s := strings.TrimSpace(string(c.Data)); s != "" {
				items = append(items, item{name: s, at: r.lines.Node(c, keyAt)})
			}
		}
	default:
		r.ps.add(r.lines.Node(v, keyAt), "%s: expected a string or an array of strings, got %s", full, describe(v))
	}
	return items
}

// uids reads unix_uids: one integer, or an array of integers, each a uid
// from 0 to maxUID.
func (r *reader) uids(full string, v *unstable.Node, keyAt pos) []uidItem {
	var uids []uidItem
	one := func(n *unstable.Node, inArray bool) {
		at := r.lines.Node(n, keyAt)
		if n.Kind != unstable.Integer {
			want := "an integer or an array of integers, got %s"
			if inArray {
				want = "an array of integers, got %s in it"
			}
			hint := ""
			if _, err := strconv.ParseUint(strings.TrimSpace(string(n.Data)), 10, 32); n.Kind == unstable.String && err == nil {
				hint = fmt.Sprintf(" (write %s without quotes)", strings.TrimSpace(string(n.Data)))
			}
			r.ps.add(at, "%s: expected "+want+"%s", full, describe(n), hint)
			return
		}
		// go-toml accepted the document, so Data is a valid TOML integer:
		// decimal with an optional sign, or 0x, 0o, 0b; underscores between
		// digits. Go's base-0 syntax reads all of these the same way.
		text := string(n.Data)
		uid, err := strconv.ParseInt(text, 0, 64)
		if err != nil || uid < 0 || uid > maxUID {
			r.ps.add(at, "%s: %s is not a uid (0 to %d)", full, text, maxUID)
			return
		}
		uids = append(uids, uidItem{uid: uint32(uid), at: at})
	}
	if v.Kind == unstable.Array {
		for it := v.Children(); it.Next(); {
			one(it.Node(), true)
		}
	} else {
		one(v, false)
	}
	return uids
}

// split splits a comma-separated string. Each item's position is exact when
// the string is written without escapes; otherwise it is the string's.
func (r *reader) split(v *unstable.Node, keyAt pos) []item {
	start := r.lines.Node(v, keyAt)
	raw := r.p.Raw(v.Raw)
	exact := len(raw) >= 2 && string(raw[1:len(raw)-1]) == string(v.Data) && v.Raw.Length > 0
	var items []item
	off := 0
	for piece := range strings.SplitSeq(string(v.Data), ",") {
		lead := len(piece) - len(strings.TrimLeftFunc(piece, unicode.IsSpace))
		if name := strings.TrimSpace(piece); name != "" {
			at := start
			if exact {
				at = r.lines.At(int(v.Raw.Offset) + 1 + off + lead)
			}
			items = append(items, item{name: name, at: at})
		}
		off += len(piece) + 1
	}
	return items
}

// key returns the parts of a KeyValue's, Table's or ArrayTable's key.
func (r *reader) key(n *unstable.Node) []keyPart {
	var k []keyPart
	for it := n.Key(); it.Next(); {
		kn := it.Node()
		k = append(k, keyPart{name: string(kn.Data), at: r.lines.Node(kn, pos{}), off: int(kn.Raw.Offset)})
	}
	return k
}

// headerPos is the position of the "[" that opens the header whose first
// key part is first.
func (r *reader) headerPos(first keyPart) pos {
	data := r.p.Data()
	off := first.off
	for off > 0 && (data[off-1] == ' ' || data[off-1] == '\t' || data[off-1] == '[') {
		off--
	}
	return r.lines.At(off)
}

func joinKey(k []keyPart) string {
	parts := make([]string, len(k))
	for i, p := range k {
		parts[i] = p.name
		if !isBareKey(p.name) {
			parts[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(p.name, `\`, `\\`), `"`, `\"`) + `"`
		}
	}
	return strings.Join(parts, ".")
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// describe names the TOML type of a value, with an article.
func describe(n *unstable.Node) string {
	switch n.Kind {
	case unstable.String:
		return "a string"
	case unstable.Bool:
		return "a boolean"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "a table"
	case unstable.LocalDate:
		return "a date"
	case unstable.LocalTime:
		return "a time"
	case unstable.LocalDateTime, unstable.DateTime:
		return "a date-time"
	}
	return "a " + strings.ToLower(n.Kind.String())
}
