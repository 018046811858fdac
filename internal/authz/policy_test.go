package authz

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/nipc/nipc/api"
)

// TestPermissionsUpstream adapts the node's ipc.permissions_* tests
// (nano/core_test/ipc.cpp; the _default_user_order case is in
// TestParseErrors).
func TestPermissionsUpstream(t *testing.T) {
	type check struct {
		user string
		perm api.Permission
		want bool
	}
	tests := []struct {
		name   string
		file   string
		checks []check
		// oneOf: Has(account_query) || Has(api_account_weight), as the
		// node's one-of check; also checked through AccountWeight.
		oneOf map[string]bool
	}{
		{
			name:   "permissions_default_user",
			file:   "",
			checks: []check{{"", api.PermAccountWeight, true}, {"", api.PermTopicConfirmation, true}},
		},
		{
			name:   "permissions_deny_default",
			file:   "[[user]]\nid = \"user1\"\ndeny = \"api_account_weight\"\n",
			checks: []check{{"user1", api.PermAccountWeight, false}, {"", api.PermAccountWeight, true}},
		},
		{
			name: "permissions_groups",
			file: `[[role]]
id = "mywalletadmin"
allow = "wallet_read, wallet_write"

[[user]]
id = "user1"
roles = "mywalletadmin"
deny = "api_account_weight"
`,
			checks: []check{
				{"user1", api.PermAccountWeight, false},
				{"user1", api.PermWalletRead, true},
				{"user1", api.PermWalletWrite, true},
			},
		},
		{
			name: "permissions_oneof",
			file: `[[user]]
id = "user1"
allow = "api_account_weight"
[[user]]
id = "user2"
allow = "api_account_weight, account_query"
[[user]]
id = "user3"
deny = "api_account_weight, account_query"
`,
			checks: []check{
				{"user1", api.PermAccountWeight, true},
				{"user2", api.PermAccountWeight, true},
				{"user3", api.PermAccountWeight, false},
			},
			oneOf: map[string]bool{"user1": true, "user2": true, "user3": false},
		},
	}
	aw := msg(t, "AccountWeight")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.file)
			for _, c := range tt.checks {
				u, ok := p.User(c.user)
				if !ok {
					t.Fatalf("no user %q", c.user)
				}
				if got := u.Has(c.perm); got != c.want {
					t.Errorf("%q Has(%s) = %v, want %v", c.user, c.perm, got, c.want)
				}
			}
			for id, want := range tt.oneOf {
				u, _ := p.User(id)
				if got := u.Has(api.PermAccountQuery) || u.Has(api.PermAccountWeight); got != want {
					t.Errorf("%q one-of = %v, want %v", id, got, want)
				}
				if got := p.Permitted(id, aw); got != want {
					t.Errorf("%q Permitted(AccountWeight) = %v, want %v", id, got, want)
				}
			}
		})
	}
}

// TestPermitted covers the access acceptance tests (spec §11.3 26–30) as
// PRODUCT.md adapts them, and the deny rules.
func TestPermitted(t *testing.T) {
	type check struct {
		user    string
		message string
		want    bool
	}
	tests := []struct {
		name   string
		file   string // "-": no file at all
		checks []check
	}{
		{
			name: "26 no access file",
			file: "-",
			checks: []check{
				{"", "AccountWeight", true},
				{"", "IsAlive", true},
				{"nobody", "AccountWeight", false},
				{"nobody", "IsAlive", true},
				{"", "ServiceStop", false},
				{"", "AccountBalance", false},
				{"", "TopicConfirmation", true}, // as on the Nano node
				{"nobody", "TopicConfirmation", false},
				{"", "TopicServiceStop", false},
				{"", "AccountWeightResponse", false},
				{"", "EventConfirmation", false},
			},
		},
		{
			name: "27 anonymous unrestricted",
			file: "[[user]]\nid = \"\"\nallow = \"unrestricted\"\n",
			checks: []check{
				{"", "ServiceStop", true},
				{"", "ServiceRegister", true},
				{"", "TopicConfirmation", true},
				{"", "Reload", true},
				{"nobody", "ServiceStop", false},
				{"nobody", "IsAlive", true},
				{"", "Success", false},
			},
		},
		{
			name: "29 bare account_query",
			file: "[[user]]\nid = \"q\"\nallow = \"account_query\"\nbare = true\n",
			checks: []check{
				{"q", "AccountWeight", true},
				{"q", "AccountBalance", true},
				{"q", "AccountInfo", true},
				{"q", "AccountHistory", true},
				{"q", "Receivable", true},
				{"q", "IsAlive", true},
				{"q", "ServiceStop", false},
				{"q", "BlockCount", false},
				{"q", "TopicConfirmation", false},
			},
		},
		{
			name: "30 default user edits propagate",
			file: "[[user]]\nid = \"\"\nallow = \"api_block_count\"\n[[user]]\nid = \"k\"\n[[user]]\nid = \"b\"\nbare = true\n",
			checks: []check{
				{"k", "BlockCount", true},
				{"k", "AccountWeight", true},
				{"b", "BlockCount", false},
				{"b", "AccountWeight", false},
				{"b", "IsAlive", true},
			},
		},
		{
			name: "default user denies propagate",
			file: "[[user]]\nid = \"\"\ndeny = \"api_account_weight\"\n[[user]]\nid = \"k\"\n",
			checks: []check{
				{"", "AccountWeight", false},
				{"k", "AccountWeight", false},
				{"", "IsAlive", true},
			},
		},
		{
			name: "topics need their permissions",
			file: "[[user]]\nid = \"sub\"\nbare = true\nallow = \"api_topic_confirmation\"\n[[user]]\nid = \"none\"\nbare = true\n",
			checks: []check{
				{"sub", "TopicConfirmation", true},
				{"sub", "TopicServiceStop", false},
				{"none", "TopicConfirmation", false},
				{"", "TopicConfirmation", true},
				{"", "TopicServiceStop", false},
			},
		},
		{
			name: "deny closes confirmations to the default user",
			file: "[[user]]\nid = \"\"\ndeny = \"api_topic_confirmation\"\n[[user]]\nid = \"k\"\n[[user]]\nid = \"sub\"\nallow = \"api_topic_confirmation\"\n",
			checks: []check{
				{"", "TopicConfirmation", false},
				{"", "AccountWeight", true},
				{"k", "TopicConfirmation", false},
				{"sub", "TopicConfirmation", true},
			},
		},
		{
			name: "a user without id is the default user",
			file: "[[user]]\nallow = \"unrestricted\"\n[[user]]\nid = \"k\"\ndeny = \"api_reload\"\n",
			checks: []check{
				{"", "Reload", true},
				{"", "ServiceStop", true},
				{"k", "Reload", false},
				{"k", "BlockCount", true},
			},
		},
		{
			name: "service grants register and stop",
			file: "[[user]]\nid = \"svc\"\nallow = \"service\"\n",
			checks: []check{
				{"svc", "ServiceRegister", true},
				{"svc", "ServiceStop", true},
				{"svc", "TopicServiceStop", false},
			},
		},
		{
			name: "deny beats role",
			file: "[[role]]\nid = \"r\"\nallow = \"api_block_count\"\n[[user]]\nid = \"k\"\nroles = \"r\"\ndeny = \"api_block_count\"\n",
			checks: []check{
				{"k", "BlockCount", false},
				{"k", "AccountWeight", true},
			},
		},
		{
			name: "deny beats unrestricted",
			file: "[[role]]\nid = \"root\"\nallow = \"unrestricted\"\n[[user]]\nid = \"k\"\nroles = \"root\"\ndeny = \"api_block_count, api_service_stop\"\n",
			checks: []check{
				{"k", "BlockCount", false},
				{"k", "ServiceStop", true}, // service still grants it
				{"k", "Version", true},
				{"k", "Reload", true},
			},
		},
		{
			name: "deny one of two alternatives",
			file: "[[user]]\nid = \"k\"\nallow = \"account_query\"\ndeny = \"api_account_weight\"\n",
			checks: []check{
				{"k", "AccountWeight", true}, // account_query still grants it
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *Policy
			if tt.file == "-" {
				var err error
				p, err = Load(filepath.Join(t.TempDir(), "config-access.toml"))
				if err != nil {
					t.Fatal(err)
				}
			} else {
				p = mustParse(t, tt.file)
			}
			for _, c := range tt.checks {
				if got := p.Permitted(c.user, msg(t, c.message)); got != c.want {
					t.Errorf("Permitted(%q, %s) = %v, want %v", c.user, c.message, got, c.want)
				}
			}
		})
	}
}

// TestEffectivePermissions checks the inheritance rule exactly.
func TestEffectivePermissions(t *testing.T) {
	all := allPermissions()
	def := sorted(api.PermAccountWeight, api.PermTopicConfirmation)
	tests := []struct {
		name string
		file string
		want map[string][]api.Permission
	}{
		{
			name: "empty file",
			file: "",
			want: map[string][]api.Permission{"": def},
		},
		{
			name: "comments only",
			file: "# nothing\n\n# here\n",
			want: map[string][]api.Permission{"": def},
		},
		{
			name: "non-bare user inherits the built-in default",
			file: "[[user]]\nid = \"k\"\nallow = \"wallet_read\"\n",
			want: map[string][]api.Permission{
				"":  def,
				"k": sorted(api.PermAccountWeight, api.PermTopicConfirmation, api.PermWalletRead),
			},
		},
		{
			name: "default user keeps its base, then roles, allow, deny",
			file: `[[role]]
id = "w"
allow = "wallet_read, wallet_write"
[[user]]
id = ""
roles = "w"
allow = "api_version"
deny = "wallet_write"
[[user]]
id = "k"
allow = "api_block_count"
[[user]]
id = "b"
bare = "true"
allow = "api_block_count"
`,
			want: map[string][]api.Permission{
				"":  sorted(api.PermAccountWeight, api.PermTopicConfirmation, api.PermWalletRead, api.PermVersion),
				"k": sorted(api.PermAccountWeight, api.PermTopicConfirmation, api.PermWalletRead, api.PermVersion, api.PermBlockCount),
				"b": {api.PermBlockCount},
			},
		},
		{
			name: "a user may allow what the default user denies",
			file: "[[user]]\nid = \"\"\ndeny = \"api_account_weight, api_topic_confirmation\"\n[[user]]\nid = \"k\"\nallow = \"api_account_weight\"\n[[user]]\nid = \"j\"\n",
			want: map[string][]api.Permission{
				"":  {},
				"k": {api.PermAccountWeight},
				"j": {},
			},
		},
		{
			name: "bare default user",
			file: "[[user]]\nid = \"\"\nbare = true\n[[user]]\nid = \"k\"\nallow = \"api_version\"\n",
			want: map[string][]api.Permission{
				"":  {},
				"k": {api.PermVersion},
			},
		},
		{
			name: "unrestricted expands; deny takes unrestricted away",
			file: "[[user]]\nid = \"root\"\nallow = \"unrestricted\"\n[[user]]\nid = \"k\"\nallow = \"unrestricted\"\ndeny = \"wallet\"\n[[user]]\nid = \"u\"\nallow = \"unrestricted\"\ndeny = \"unrestricted\"\n",
			want: map[string][]api.Permission{
				"":     def,
				"root": all,
				"k":    without(all, api.PermWallet, api.PermUnrestricted),
				"u":    without(all, api.PermUnrestricted),
			},
		},
		{
			name: "unrestricted default user is inherited",
			file: "[[user]]\nid = \"\"\nallow = \"unrestricted\"\n[[user]]\nid = \"k\"\ndeny = \"api_reload\"\n",
			want: map[string][]api.Permission{
				"":  all,
				"k": without(all, api.PermReload, api.PermUnrestricted),
			},
		},
		{
			name: "denying what is not held changes nothing",
			file: "[[user]]\nid = \"k\"\nallow = \"unrestricted\"\ndeny = \"\"\n[[user]]\nid = \"j\"\ndeny = \"wallet\"\n",
			want: map[string][]api.Permission{
				"k": all,
				"j": def,
			},
		},
		{
			name: "roles may follow the users",
			file: "[[user]]\nid = \"k\"\nroles = \"late\"\n[[role]]\nid = \"late\"\nallow = \"api_receivable\"\n",
			want: map[string][]api.Permission{
				"k": sorted(api.PermAccountWeight, api.PermReceivable, api.PermTopicConfirmation),
			},
		},
		{
			name: "the default user closes confirmations",
			file: "[[user]]\nid = \"\"\ndeny = \"api_topic_confirmation\"\n[[user]]\nid = \"k\"\n",
			want: map[string][]api.Permission{
				"":  {api.PermAccountWeight},
				"k": {api.PermAccountWeight},
			},
		},
		{
			name: "a user without id is the default user",
			file: "[[user]]\nallow = \"wallet\"\n[[user]]\nid = \"k\"\n",
			want: map[string][]api.Permission{
				"":  sorted(api.PermAccountWeight, api.PermTopicConfirmation, api.PermWallet),
				"k": sorted(api.PermAccountWeight, api.PermTopicConfirmation, api.PermWallet),
			},
		},
		{
			name: "a bare user without id is the bare default user",
			file: "[[user]]\nbare = true\nallow = \"api_version\"\n",
			want: map[string][]api.Permission{
				"": {api.PermVersion},
			},
		},
		{
			name: "several roles",
			file: "[[role]]\nid = \"a\"\nallow = \"wallet\"\n[[role]]\nid = \"b\"\n[[user]]\nid = \"k\"\nroles = \"a, b\"\nbare = true\n",
			want: map[string][]api.Permission{
				"k": {api.PermWallet},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.file)
			for id, want := range tt.want {
				got := perms(p, id)
				if _, ok := p.User(id); !ok {
					t.Errorf("no user %q", id)
					continue
				}
				if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("%q: %v, want %v", id, got, want)
				}
				u, _ := p.User(id)
				for _, info := range api.Permissions() {
					if has := u.Has(info.Name); has != slices.Contains(want, info.Name) {
						t.Errorf("%q Has(%s) = %v", id, info.Name, has)
					}
				}
			}
		})
	}
}

// TestListSyntax: a comma-separated string and a TOML array of strings
// give the same policy, in every table form.
func TestListSyntax(t *testing.T) {
	forms := []string{
		`[[role]]
id = "r"
allow = "wallet_read, wallet_write"
[[user]]
id = "k"
roles = "r"
allow = "api_version,api_block_count"
deny = "wallet_write"
[[user]]
id = "b"
bare = true
allow = " account_query ,, "
`,
		`[[role]]
id = "r"
allow = ["wallet_read", "wallet_write"]
[[user]]
id = "k"
roles = ["r"]
allow = ["api_version", "api_block_count"]
deny = ["wallet_write"]
[[user]]
id = "b"
bare = "true"
allow = [" account_query ", ""]
`,
		`role = { id = "r", allow = ["wallet_read", "wallet_write"] }
user = [
  { id = "k", roles = "r", allow = ["api_version", "api_block_count"], deny = "wallet_write" },
  { id = "b", bare = true, allow = 'account_query' },
]
`,
		`role.id = "r"
role.allow = "wallet_read, wallet_write"
[[user]]
id = "k"
roles = "r"
allow = '''
api_version, api_block_count'''
deny = "wallet_write"
[[user]]
id = "b"
bare = true
allow = ["account_query"]
`,
	}
	want := "\"\"  api_account_weight, api_topic_confirmation\n" +
		"k   api_account_weight, api_block_count, api_topic_confirmation, api_version, wallet_read\n" +
		"b   account_query\n"
	for i, form := range forms {
		got := Describe(mustParse(t, form))
		if got != want {
			t.Errorf("form %d:\n%s\nwant:\n%s", i, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	p := mustParse(t, `[[role]]
id = "admin"
allow = "wallet_read, wallet_write"
[[user]]
id = "wallet-admin"
roles = "admin"
[[user]]
id = "root"
allow = "unrestricted"
[[user]]
id = "none"
bare = true
[[user]]
id = "with space"
bare = true
allow = "api_version"
`)
	want := `""            api_account_weight, api_topic_confirmation
wallet-admin  api_account_weight, api_topic_confirmation, wallet_read, wallet_write
root          unrestricted
none          (none)
"with space"  api_version
`
	if got := Describe(p); got != want {
		t.Errorf("Describe:\n%s\nwant:\n%s", got, want)
	}
	if got := Describe(Default()); got != "\"\"  api_account_weight, api_topic_confirmation\n" {
		t.Errorf("Describe(Default()) = %q", got)
	}
	if got, want := p.Users(), []string{"", "wallet-admin", "root", "none", "with space"}; !slices.Equal(got, want) {
		t.Errorf("Users() = %q, want %q", got, want)
	}
}

func TestUser(t *testing.T) {
	p := mustParse(t, "[[user]]\nid = \"k\"\n")
	if _, ok := p.User("nobody"); ok {
		t.Error("unknown credentials have a user")
	}
	u, ok := p.User("k")
	if !ok || u.ID() != "k" {
		t.Fatalf("User(k) = %v, %v", u, ok)
	}
	// Permissions returns a copy.
	ps := u.Permissions()
	ps[0] = "changed"
	if u.Permissions()[0] == "changed" {
		t.Error("Permissions shares its slice")
	}
	var none *User
	if none.Has(api.PermAccountWeight) {
		t.Error("nil user has a permission")
	}
	if u.Has("no_such_permission") {
		t.Error("user has an unknown permission")
	}
}
