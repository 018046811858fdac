package authz

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nipc/nipc/api"
)

// Describe renders a policy as `nipc access check FILE` prints it: one
// line per user, in [Policy.Users] order, with the user's id and its
// effective permissions, ids padded to one column:
//
//	""            api_account_weight
//	wallet-admin  api_account_weight, wallet_read, wallet_write
//
// The default user shows as "", an id that is not plain printable text
// without spaces or quotes is quoted, a user that holds unrestricted shows
// "unrestricted", and one with nothing shows "(none)".
//
// When users list unix_uids, a blank line and one line per uid follow, in
// numeric order, with the user a Unix-socket request without credentials
// from that uid acts as:
//
//	uid 1000  wallet-admin
func Describe(p *Policy) string {
	ids := p.Users()
	shown := make([]string, len(ids))
	width := 0
	for i, id := range ids {
		shown[i] = displayID(id)
		width = max(width, utf8.RuneCountInString(shown[i]))
	}
	var b strings.Builder
	for i, id := range ids {
		u := p.users[id]
		b.WriteString(shown[i])
		b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(shown[i])+2))
		switch {
		case u.Has(api.PermUnrestricted):
			b.WriteString(string(api.PermUnrestricted))
		case len(u.list) == 0:
			b.WriteString("(none)")
		default:
			for j, perm := range u.list {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(string(perm))
			}
		}
		b.WriteByte('\n')
	}
	if len(p.uids) > 0 {
		uids := slices.Sorted(maps.Keys(p.uids))
		width := len("uid ") + len(strconv.FormatUint(uint64(uids[len(uids)-1]), 10))
		b.WriteByte('\n')
		for _, uid := range uids {
			col := "uid " + strconv.FormatUint(uint64(uid), 10)
			b.WriteString(col)
			b.WriteString(strings.Repeat(" ", width-len(col)+2))
			b.WriteString(displayID(p.uids[uid]))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// displayID returns id as Describe shows it.
func displayID(id string) string {
	plain := id != ""
	for _, c := range id {
		if c == '"' || c == '\\' || unicode.IsSpace(c) || !unicode.IsPrint(c) {
			plain = false
			break
		}
	}
	if plain {
		return id
	}
	return strconv.Quote(id)
}
