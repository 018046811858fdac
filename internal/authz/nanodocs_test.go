package authz

import (
	"path/filepath"
	"testing"
)

// TestNanoDocsSamples loads the Nano documentation's two config-access.toml
// samples, verbatim (testdata/nano-docs, copied from the documentation),
// and checks they grant what the documentation says: the first, a
// [[user]] without id, makes the default user unrestricted; in the second
// the service admin inherits the default user's permissions, adds its
// role's and its own and loses the denied one, and the bare history viewer
// holds exactly what it allows.
func TestNanoDocsSamples(t *testing.T) {
	const (
		admin  = "user-2bb818ee-6424-4750-8bdb-db23bab7bc57"
		viewer = "history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b"
	)
	type check struct {
		user, message string
		want          bool
	}
	tests := []struct {
		file     string
		describe string
		checks   []check
	}{
		{
			file:     "unrestricted.toml",
			describe: "\"\"  unrestricted\n",
			checks: []check{
				{"", "Reload", true},
				{"", "ServiceStop", true},
				{"", "BlockCount", true},
				{"", "TopicConfirmation", true},
				{"unknown-key", "BlockCount", false},
			},
		},
		{
			file: "elaborate.toml",
			describe: `""                                                   api_account_weight, api_topic_confirmation
user-2bb818ee-6424-4750-8bdb-db23bab7bc57            api_service_register, api_service_stop, api_topic_confirmation, wallet_seed_change
history-viewer-e3cf8a09-bd74-4ef2-9b84-e14f3db2bb4b  api_account_history, api_account_info
`,
			checks: []check{
				{"", "AccountWeight", true},
				{"", "TopicConfirmation", true},
				{"", "ServiceRegister", false},
				{admin, "ServiceRegister", true},
				{admin, "ServiceStop", true},
				{admin, "TopicConfirmation", true},
				{admin, "AccountWeight", false},
				{viewer, "AccountInfo", true},
				{viewer, "AccountHistory", true},
				{viewer, "AccountWeight", false},
				{viewer, "TopicConfirmation", false},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := Load(filepath.Join("testdata", "nano-docs", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := Describe(p); got != tt.describe {
				t.Errorf("Describe:\n%s\nwant:\n%s", got, tt.describe)
			}
			for _, c := range tt.checks {
				if got := p.Permitted(c.user, msg(t, c.message)); got != c.want {
					t.Errorf("Permitted(%q, %s) = %v, want %v", c.user, c.message, got, c.want)
				}
			}
		})
	}
}
