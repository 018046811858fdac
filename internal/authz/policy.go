package authz

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/tomlerr"
)

// DefaultPermissions is what the built-in default user holds, as on the
// Nano node: AccountWeight, and confirmations (TopicConfirmation, and the
// WebSocket's confirmation topic), so that a fresh node serves anonymous
// subscribers. An operator closes either with deny on the default user.
// (IsAlive needs no permission.)
var DefaultPermissions = []api.Permission{api.PermAccountWeight, api.PermTopicConfirmation}

// Policy is a loaded access file: users and their effective permissions.
// It is immutable, so one policy may be shared by any number of goroutines.
type Policy struct {
	users map[string]*User
	ids   []string          // the default user first, then the file's order
	uids  map[uint32]string // unix_uids: local uid → user id; no entry for the default user
}

// User is one user of a [Policy] with its effective permissions.
type User struct {
	id    string
	perms map[api.Permission]struct{}
	list  []api.Permission // perms, sorted
}

// ID returns the user's id, the credentials a client sends ("" for the
// default user).
func (u *User) ID() string { return u.id }

// Has reports whether the user holds p. A user holds PermUnrestricted only
// when it holds every permission: a deny entry takes unrestricted away
// along with the denied names. A nil user has nothing.
func (u *User) Has(p api.Permission) bool {
	if u == nil {
		return false
	}
	_, ok := u.perms[p]
	return ok
}

// Permissions returns the user's effective permissions, sorted by name.
// For a user that holds unrestricted, that is the whole catalog.
func (u *User) Permissions() []api.Permission { return slices.Clone(u.list) }

// Default returns the policy of a missing or empty access file: only the
// default user, holding [DefaultPermissions].
func Default() *Policy {
	def := newUser("", DefaultPermissions)
	return &Policy{users: map[string]*User{"": def}, ids: []string{""}}
}

// Load reads the access file at path. A missing file gives [Default] and
// no error; any problem in the file is an error and no policy. Errors are
// [*Error] values (several joined with errors.Join, in file order).
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		msg := err.Error()
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			msg = pe.Err.Error()
		}
		return nil, &Error{Path: path, Msg: "cannot read the access file: " + msg}
	}
	return Parse(path, data)
}

// Parse builds a policy from data, the contents of the access file at path
// (path only names the file in errors). Empty data gives [Default].
func Parse(path string, data []byte) (*Policy, error) {
	ps := &problems{path: path}
	// Entries are checked even when reading them found problems, so that
	// every problem is reported and the first one is the first in the file.
	p := build(ps, readEntries(ps, data))
	if err := ps.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// User returns the user whose id is credentials. Unknown credentials have
// no user: there is no fallback to the default user.
func (p *Policy) User(credentials string) (*User, bool) {
	u, ok := p.users[credentials]
	return u, ok
}

// UnixUser returns the id of the user whose unix_uids lists uid: the user a
// v2 request without credentials acts as when it comes over the Unix socket
// from a process running as uid. ok is false for a uid no user lists (such
// a request acts as the default user). No uid is special: root and the
// daemon's own uid are mapped only when listed.
func (p *Policy) UnixUser(uid uint32) (id string, ok bool) {
	id, ok = p.uids[uid]
	return id, ok
}

// Users returns the user ids: the default user ("") first, then the file's
// users in file order.
func (p *Policy) Users() []string { return slices.Clone(p.ids) }

// Permitted reports whether a client sending credentials may send m. An
// open request (IsAlive) is permitted to everyone, even to unknown
// credentials; anything else needs a known user holding one of m.Allow (or
// unrestricted). Replies and events are never permitted as requests.
func (p *Policy) Permitted(credentials string, m api.MessageInfo) bool {
	if m.Open() {
		return true
	}
	u, ok := p.users[credentials]
	return ok && m.Permitted(u.Has)
}

func newUser(id string, perms []api.Permission) *User {
	u := &User{id: id, perms: make(map[api.Permission]struct{}, len(perms))}
	for _, p := range perms {
		u.perms[p] = struct{}{}
	}
	u.list = slices.Sorted(maps.Keys(u.perms))
	return u
}

// effective computes a user's permissions: base, plus grants, expanded to
// the whole catalog when that holds unrestricted, minus deny; unrestricted
// stays only when nothing was denied.
func effective(base, grants, deny []api.Permission) []api.Permission {
	set := make(map[api.Permission]bool, len(base)+len(grants))
	for _, p := range slices.Concat(base, grants) {
		set[p] = true
	}
	if set[api.PermUnrestricted] {
		for _, info := range api.Permissions() {
			set[info.Name] = true
		}
	}
	removed := false
	for _, p := range deny {
		if set[p] {
			delete(set, p)
			removed = true
		}
	}
	if removed {
		delete(set, api.PermUnrestricted)
	}
	return slices.Collect(maps.Keys(set))
}

// build checks the entries and computes every user's permissions.
func build(ps *problems, entries []*entry) *Policy {
	type role struct {
		at    pos
		perms []api.Permission
	}
	roles := make(map[string]role)
	var roleIDs []string
	rolesKnown := true // false when a role's id could not be read
	for _, en := range entries {
		if en.kind != kindRole {
			continue
		}
		perms := checkPerms(ps, "role.allow", en.allow, nil)
		switch {
		case en.badID:
			rolesKnown = false
		case en.id == nil:
			ps.add(en.at, "role: missing id")
		case en.id.name == "":
			ps.add(en.id.at, "role.id: must not be empty")
		default:
			if first, dup := roles[en.id.name]; dup {
				ps.add(en.id.at, "role.id: duplicate role id %q (first defined at line %d)", en.id.name, first.at.Line)
				continue
			}
			roles[en.id.name] = role{at: en.id.at, perms: perms}
			roleIDs = append(roleIDs, en.id.name)
		}
	}

	p := &Policy{users: make(map[string]*User)}
	def := Default().users[""]
	firstAt := make(map[string]pos)
	var firstOther *item // the first user that is not the default user
	uids := uidMap{at: make(map[uint32]pos)}
	for _, en := range entries {
		if en.kind != kindUser {
			continue
		}
		var grants []api.Permission
		for _, it := range en.roles {
			r, ok := roles[it.name]
			if !ok && !rolesKnown {
				continue // reported as the role's bad id
			}
			if !ok {
				hint := tomlerr.DidYouMean("", tomlerr.Closest(it.name, roleIDs...), "")
				if info, isPerm := api.LookupPermission(it.name); isPerm && hint == "" {
					hint = fmt.Sprintf(" (%s is a permission: list it in allow)", info.Name)
				}
				ps.add(it.at, "user.roles: unknown role %q%s", it.name, hint)
				continue
			}
			grants = append(grants, r.perms...)
		}
		isRole := func(name string) bool { _, ok := roles[name]; return ok }
		grants = append(grants, checkPerms(ps, "user.allow", en.allow, isRole)...)
		deny := checkPerms(ps, "user.deny", en.deny, nil)
		if en.badID {
			continue
		}
		// A user without id is the default user, exactly as id = "" (the
		// C++ node's id defaults to ""; the Nano documentation's first
		// example is [[user]] allow = "unrestricted").
		// Its problems are reported at the [[user]] header.
		id, idAt, key := "", en.at, "user (without id: the default user)"
		if en.id != nil {
			id, idAt, key = en.id.name, en.id.at, "user.id"
		}
		if first, dup := firstAt[id]; dup {
			ps.add(idAt, "%s: duplicate user id %s (first defined at line %d)", key, fingerprint(id), first.Line)
			continue
		}
		firstAt[id] = idAt
		if id == "" && firstOther != nil {
			ps.add(idAt, `%s: changes to the default user (id = "") must appear before other users (the first is at line %d)`, key, firstOther.at.Line)
			continue
		}
		if id != "" && firstOther == nil {
			firstOther = en.id
		}
		uids.add(ps, id, en.uids)
		var base []api.Permission
		switch {
		case en.bare:
		case id == "":
			base = DefaultPermissions
		default:
			base = def.list
		}
		u := newUser(id, effective(base, grants, deny))
		if id == "" {
			def = u
			continue
		}
		p.users[id] = u
		p.ids = append(p.ids, id)
	}
	p.users[""] = def
	p.ids = append([]string{""}, p.ids...)
	p.uids = uids.users
	return p
}

// uidMap collects the unix_uids of a file's users, one user per uid.
type uidMap struct {
	users map[uint32]string // uid → user id; nil until a uid is mapped
	at    map[uint32]pos    // where each mapped uid is listed
}

// add maps the uids the user id lists, and reports those that cannot be.
func (m *uidMap) add(ps *problems, id string, uids []uidItem) {
	if len(uids) == 0 {
		return
	}
	if id == "" {
		ps.add(uids[0].at, "user.%s: the default user cannot list uids (a uid no user lists acts as the default user already)", keyUnixUIDs)
		return
	}
	for _, u := range uids {
		first, dup := m.users[u.uid]
		switch {
		case dup && first == id:
			ps.add(u.at, "user.%s: uid %d is listed twice (first at line %d)", keyUnixUIDs, u.uid, m.at[u.uid].Line)
		case dup:
			ps.add(u.at, "user.%s: uid %d is already listed for another user (at line %d): a uid can act as one user only", keyUnixUIDs, u.uid, m.at[u.uid].Line)
		default:
			if m.users == nil {
				m.users = make(map[uint32]string)
			}
			m.users[u.uid] = id
			m.at[u.uid] = u.at
		}
	}
}

// checkPerms returns the valid permission names of items and reports the
// others. isRole tells a role id (for a hint), nil for none.
func checkPerms(ps *problems, key string, items []item, isRole func(string) bool) []api.Permission {
	var perms []api.Permission
	for _, it := range items {
		if info, ok := api.LookupPermission(it.name); ok {
			perms = append(perms, info.Name)
			continue
		}
		hint := tomlerr.DidYouMean("", tomlerr.Closest(it.name, permissionNames...), "")
		if hint == "" && isRole != nil && isRole(it.name) {
			hint = fmt.Sprintf(" (%s is a role: list it in roles)", it.name)
		}
		ps.add(it.at, "%s: unknown permission %q%s", key, it.name, hint)
	}
	return perms
}

// permissionNames lists the catalog's names, for suggestions.
var permissionNames = func() []string {
	infos := api.Permissions()
	names := make([]string, len(infos))
	for i, info := range infos {
		names[i] = string(info.Name)
	}
	return names
}()
