package authz

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseErrors pins every strict-load error, message and position.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"unknown permission with suggestion, exact column",
			"[[user]]\nid = \"k\"\nallow = \"wallet_read, walet_write\"\n",
			"/data/config-access.toml:3:23: user.allow: unknown permission \"walet_write\" (did you mean wallet_write?)"},
		{"unknown permission without suggestion",
			"[[user]]\nid = \"k\"\nallow = \"api_account_weight,frobnicate\"\n",
			"/data/config-access.toml:3:29: user.allow: unknown permission \"frobnicate\""},
		{"unknown permission in an array",
			"[[user]]\nid = \"k\"\nallow = [\"api_version\", \"api_verison\"]\n",
			"/data/config-access.toml:3:25: user.allow: unknown permission \"api_verison\" (did you mean api_version?)"},
		{"unknown permission in a role",
			"[[role]]\nid = \"r\"\nallow = \"wallet_reed\"\n",
			"/data/config-access.toml:3:10: role.allow: unknown permission \"wallet_reed\" (did you mean wallet_read?)"},
		{"unknown permission in deny",
			"[[user]]\nid = \"k\"\ndeny = \"acount_query\"\n",
			"/data/config-access.toml:3:9: user.deny: unknown permission \"acount_query\" (did you mean account_query?)"},
		{"escaped string points at the string",
			"[[user]]\nid = \"k\"\nallow = \"api_version, \\u0077allet_x\"\n",
			"/data/config-access.toml:3:9: user.allow: unknown permission \"wallet_x\" (did you mean wallet?)"},
		{"case typo",
			"[[user]]\nid = \"k\"\nallow = \"API_ACCOUNT_WEIGHT\"\n",
			"/data/config-access.toml:3:10: user.allow: unknown permission \"API_ACCOUNT_WEIGHT\" (did you mean api_account_weight?)"},
		{"a role listed in allow",
			"[[role]]\nid = \"admin\"\n[[user]]\nid = \"k\"\nallow = \"admin\"\n",
			"/data/config-access.toml:5:10: user.allow: unknown permission \"admin\" (admin is a role: list it in roles)"},
		{"unknown role with suggestion",
			"[[role]]\nid = \"admin\"\n[[user]]\nid = \"k\"\nroles = \"admni\"\n",
			"/data/config-access.toml:5:10: user.roles: unknown role \"admni\" (did you mean admin?)"},
		{"a permission listed in roles",
			"[[user]]\nid = \"k\"\nroles = \"wallet_read\"\n",
			"/data/config-access.toml:3:10: user.roles: unknown role \"wallet_read\" (wallet_read is a permission: list it in allow)"},
		{"unknown role",
			"[[user]]\nid = \"k\"\nroles = \"nope\"\n",
			"/data/config-access.toml:3:10: user.roles: unknown role \"nope\""},
		{"duplicate role id",
			"[[role]]\nid = \"r\"\n[[role]]\nid = \"r\"\n",
			"/data/config-access.toml:4:6: role.id: duplicate role id \"r\" (first defined at line 2)"},
		{"duplicate user id",
			"[[user]]\nid = \"k\"\n[[user]]\nid = \"k\"\n",
			"/data/config-access.toml:4:6: user.id: duplicate user id sha256:8254c329 (first defined at line 2)"},
		{"duplicate default user",
			"[[user]]\nid = \"\"\n[[user]]\nid = \"\"\n",
			"/data/config-access.toml:4:6: user.id: duplicate user id \"\" (first defined at line 2)"},
		{"deny in a role",
			"[[role]]\nid = \"r\"\ndeny = \"wallet\"\n",
			"/data/config-access.toml:3:1: role.deny: only users can have deny entries"},
		{"deny in a single [role] table",
			"[role]\nid = \"r\"\ndeny = \"wallet\"\n",
			"/data/config-access.toml:3:1: role.deny: only users can have deny entries"},
		{"deny in an inline role",
			"role = { id = \"r\", deny = \"wallet\" }\n",
			"/data/config-access.toml:1:20: role.deny: only users can have deny entries"},
		{"unknown user key",
			"[[user]]\nid = \"k\"\nalow = \"wallet\"\n",
			"/data/config-access.toml:3:1: unknown key user.alow (did you mean user.allow?)"},
		{"unknown role key",
			"[[role]]\nid = \"r\"\nalow = \"wallet\"\n",
			"/data/config-access.toml:3:1: unknown key role.alow (did you mean role.allow?)"},
		{"roles in a role",
			"[[role]]\nid = \"r\"\nroles = \"x\"\n",
			"/data/config-access.toml:3:1: unknown key role.roles"},
		{"bare in a role",
			"[[role]]\nid = \"r\"\nbare = true\n",
			"/data/config-access.toml:3:1: unknown key role.bare"},
		{"unknown root key",
			"usr = 1\n",
			"/data/config-access.toml:1:1: unknown key usr (did you mean user?)"},
		{"unknown array table",
			"[[users]]\nid = \"k\"\n",
			"/data/config-access.toml:1:1: unknown table [[users]] (did you mean [[user]]?)"},
		{"unknown table",
			"[access]\n",
			"/data/config-access.toml:1:1: unknown table [access]"},
		{"id of the wrong type",
			"[[user]]\nid = 7\n",
			"/data/config-access.toml:2:6: user.id: expected a string, got an integer"},
		{"allow of the wrong type",
			"[[user]]\nid = \"k\"\nallow = 3\n",
			"/data/config-access.toml:3:9: user.allow: expected a string or an array of strings, got an integer"},
		{"bare of the wrong type",
			"[[user]]\nid = \"k\"\nbare = 1\n",
			"/data/config-access.toml:3:8: user.bare: expected true or false, got an integer"},
		{"bare string that is not a boolean",
			"[[user]]\nid = \"k\"\nbare = \"yes\"\n",
			"/data/config-access.toml:3:8: user.bare: expected true or false, got \"yes\""},
		{"array with a non-string",
			"[[user]]\nid = \"k\"\nallow = [\"wallet\", 3]\n",
			"/data/config-access.toml:3:20: user.allow: expected an array of strings, got an integer in it"},
		{"array of arrays",
			"[[user]]\nid = \"k\"\nallow = [[\"wallet\"]]\n",
			"/data/config-access.toml:3:1: user.allow: expected an array of strings, got an array in it"},
		{"user as a string",
			"user = \"k\"\n",
			"/data/config-access.toml:1:8: user: expected a table or an array of tables, got a string"},
		{"user as an array of strings",
			"user = [\"k\"]\n",
			"/data/config-access.toml:1:9: user: expected an array of tables, got a string in it"},
		{"table inside a user",
			"[[user]]\nid = \"k\"\n[user.allow]\n",
			"/data/config-access.toml:3:1: user.allow: expected a string or an array of strings, got a table"},
		{"array of tables inside a user",
			"[[user]]\nid = \"k\"\n[[user.allow]]\n",
			"/data/config-access.toml:3:1: user.allow: expected a string or an array of strings, got an array of tables"},
		{"dotted key below allow",
			"user.allow.x = \"wallet\"\nuser.id = \"k\"\n",
			"/data/config-access.toml:1:6: user.allow: expected a string or an array of strings, got a table"},
		{"deny table in a role",
			"[[role.deny]]\n",
			"/data/config-access.toml:1:1: role.deny: only users can have deny entries"},
		{"default user after others (ipc.permissions_default_user_order)",
			"[[user]]\nid = \"user1\"\n[[user]]\nid = \"\"\n",
			"/data/config-access.toml:4:6: user.id: changes to the default user (id = \"\") must appear before other users (the first is at line 2)"},
		{"empty role id",
			"[[role]]\nid = \"\"\n",
			"/data/config-access.toml:2:6: role.id: must not be empty"},
		{"role without id",
			"[[role]]\nallow = \"wallet\"\n",
			"/data/config-access.toml:1:1: role: missing id"},
		{"user without id after others (it is the default user)",
			"[[user]]\nid = \"user1\"\n[[user]]\nallow = \"wallet\"\n",
			"/data/config-access.toml:3:1: user (without id: the default user): changes to the default user (id = \"\") must appear before other users (the first is at line 2)"},
		{"user without id and id = \"\"",
			"[[user]]\nallow = \"wallet\"\n[[user]]\nid = \"\"\n",
			"/data/config-access.toml:4:6: user.id: duplicate user id \"\" (first defined at line 1)"},
		{"two users without id",
			"[[user]]\nallow = \"wallet\"\n[[user]]\ndeny = \"wallet\"\n",
			"/data/config-access.toml:3:1: user (without id: the default user): duplicate user id \"\" (first defined at line 1)"},
		{"TOML: repeated key",
			"[[user]]\nid = \"k\"\nallow = \"wallet\"\nallow = \"service\"\n",
			"/data/config-access.toml:4:1: key allow is already defined"},
		{"TOML: syntax error",
			"[[user]\n",
			"/data/config-access.toml:1:7: expected ']]' to close array table name"},
		{"indented tables",
			"  [[user]]\n  id = \"k\"\n  allow = \"x\"\n",
			"/data/config-access.toml:3:12: user.allow: unknown permission \"x\""},
		{"CRLF line ends",
			"[[user]]\r\nid = \"k\"\r\nallow = \"wallet, x\"\r\n",
			"/data/config-access.toml:3:18: user.allow: unknown permission \"x\""},
		{"several problems in file order",
			"[[user]]\nid = \"k\"\nroles = \"nope\"\nalow = \"x\"\n[[user]]\nid = \"k\"\n",
			"/data/config-access.toml:3:10: user.roles: unknown role \"nope\"\n/data/config-access.toml:4:1: unknown key user.alow (did you mean user.allow?)\n/data/config-access.toml:6:6: user.id: duplicate user id sha256:8254c329 (first defined at line 2)"},
		{"bad role id does not cascade",
			"[[role]]\nid = 1\n[[user]]\nid = \"k\"\nroles = \"r\"\n",
			"/data/config-access.toml:2:6: role.id: expected a string, got an integer"},
		{"table as a user id",
			"[[user]]\n[user.id]\n",
			"/data/config-access.toml:2:1: user.id: expected a string, got a table"},
		{"negative uid",
			"[[user]]\nid = \"k\"\nunix_uids = -1\n",
			"/data/config-access.toml:3:13: user.unix_uids: -1 is not a uid (0 to 4294967294)"},
		{"negative uid in an array",
			"[[user]]\nid = \"k\"\nunix_uids = [1000, -5]\n",
			"/data/config-access.toml:3:20: user.unix_uids: -5 is not a uid (0 to 4294967294)"},
		{"uid (uid_t)-1",
			"[[user]]\nid = \"k\"\nunix_uids = 4294967295\n",
			"/data/config-access.toml:3:13: user.unix_uids: 4294967295 is not a uid (0 to 4294967294)"},
		{"uid far out of range",
			"[[user]]\nid = \"k\"\nunix_uids = 0x7fffffffffffffff\n",
			"/data/config-access.toml:3:13: user.unix_uids: 0x7fffffffffffffff is not a uid (0 to 4294967294)"},
		{"uid as a string",
			"[[user]]\nid = \"k\"\nunix_uids = \"1000\"\n",
			"/data/config-access.toml:3:13: user.unix_uids: expected an integer or an array of integers, got a string (write 1000 without quotes)"},
		{"uid as a string in an array",
			"[[user]]\nid = \"k\"\nunix_uids = [1000, \"1001\"]\n",
			"/data/config-access.toml:3:20: user.unix_uids: expected an array of integers, got a string in it (write 1001 without quotes)"},
		{"uid as a name",
			"[[user]]\nid = \"k\"\nunix_uids = [\"alice\"]\n",
			"/data/config-access.toml:3:14: user.unix_uids: expected an array of integers, got a string in it"},
		{"uid as a float",
			"[[user]]\nid = \"k\"\nunix_uids = 1000.0\n",
			"/data/config-access.toml:3:13: user.unix_uids: expected an integer or an array of integers, got a float"},
		{"uids as a table",
			"[[user]]\nid = \"k\"\n[user.unix_uids]\n",
			"/data/config-access.toml:3:1: user.unix_uids: expected an integer or an array of integers, got a table"},
		{"same uid for two users",
			"[[user]]\nid = \"a\"\nunix_uids = [1000]\n[[user]]\nid = \"b\"\nunix_uids = [1, 1000]\n",
			"/data/config-access.toml:6:17: user.unix_uids: uid 1000 is already listed for another user (at line 3): a uid can act as one user only"},
		{"same uid twice for one user",
			"[[user]]\nid = \"a\"\nunix_uids = [1000, 0x3e8]\n",
			"/data/config-access.toml:3:20: user.unix_uids: uid 1000 is listed twice (first at line 3)"},
		{"uids on the default user",
			"[[user]]\nid = \"\"\nunix_uids = [1000, 1001]\n",
			"/data/config-access.toml:3:14: user.unix_uids: the default user cannot list uids (a uid no user lists acts as the default user already)"},
		{"uids in a role",
			"[[role]]\nid = \"r\"\nunix_uids = 1\n",
			"/data/config-access.toml:3:1: unknown key role.unix_uids"},
		{"uids misspelt",
			"[[user]]\nid = \"k\"\nuids = 1000\n",
			"/data/config-access.toml:3:1: unknown key user.uids (did you mean user.unix_uids?)"},
		{"multi-line string points at the string",
			"[[user]]\nid = \"k\"\nallow = \"\"\"\nwallet,\n  x\"\"\"\n",
			"/data/config-access.toml:3:9: user.allow: unknown permission \"x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(testPath, []byte(tt.file))
			if err == nil {
				t.Fatalf("no error; policy:\n%s", Describe(p))
			}
			if p != nil {
				t.Error("a failed load returned a policy")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error:\n%s\nwant:\n%s", got, tt.want)
			}
			for _, e := range splitErrors(err) {
				if _, ok := errors.AsType[*Error](e); !ok {
					t.Errorf("%v is a %T, not an *Error", e, e)
				}
			}
		})
	}
}

// splitErrors returns the errors joined in err.
func splitErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestParseErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("[[user]]\nid = \"k\"\n")
	for i := range maxErrors + 5 {
		fmt.Fprintf(&b, "x%d = 1\n", i)
	}
	_, err := Parse(testPath, []byte(b.String()))
	errs := splitErrors(err)
	if len(errs) != maxErrors+1 {
		t.Fatalf("%d errors, want %d", len(errs), maxErrors+1)
	}
	if got, want := errs[0].Error(), testPath+":3:1: unknown key user.x0"; got != want {
		t.Errorf("first: %q, want %q", got, want)
	}
	if got, want := errs[maxErrors].Error(), testPath+": 5 more problems not shown"; got != want {
		t.Errorf("last: %q, want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	p, err := Load(filepath.Join(dir, "missing.toml"))
	if err != nil || Describe(p) != Describe(Default()) {
		t.Errorf("missing file: %v, %v; want the default policy", p, err)
	}

	good := writeFile(t, dir, "good.toml", "[[user]]\nid = \"k\"\nallow = \"api_version\"\n")
	p, err = Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Permitted("k", msg(t, "Version")) {
		t.Error("k may not call Version")
	}

	bad := writeFile(t, dir, "bad.toml", "[[user]]\nid = \"k\"\nallow = \"api_versoin\"\n")
	_, err = Load(bad)
	if want := bad + `:3:10: user.allow: unknown permission "api_versoin" (did you mean api_version?)`; err == nil || err.Error() != want {
		t.Errorf("bad file: %v, want %s", err, want)
	}

	sub := filepath.Join(dir, "a-directory")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = Load(sub)
	if want := sub + ": cannot read the access file: is a directory"; err == nil || err.Error() != want {
		t.Errorf("directory: %v, want %s", err, want)
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Path: "f.toml", Line: 3, Column: 7, Msg: "m"}, "f.toml:3:7: m"},
		{Error{Path: "f.toml", Msg: "m"}, "f.toml: m"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}
