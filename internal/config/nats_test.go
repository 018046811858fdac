package config

import (
	"strings"
	"testing"
)

// natsOtherCreds are the credential keys the no-defaults tests leave at
// their defaults: they set creds_file, and only one kind may be set.
var natsOtherCreds = map[string]bool{"nats.nkey_seed_file": true, "nats.user": true, "nats.password": true}

// TestNATSValidate: every [node.nats] problem is an error naming the key
// at its file:line:col; the same rules apply to config-rpc.toml's [nats],
// where the keys only the node uses are unknown keys that say so.
func TestNATSValidate(t *testing.T) {
	tests := []struct {
		name, text, want string
		// rpc is the error of the same table in config-rpc.toml, as [nats],
		// when it is not want with the key renamed: the keys only the node uses.
		rpc string
	}{
		{"ok user", "[node.nats]\nenable = true\nuser = \"u\"\npassword = \"p\"\n", "", ""},
		{"ok nkey", "[node.nats]\nnkey_seed_file = \"seed\"\n", "", ""},
		{"unknown key", "[node.nats]\nserver = [\"nats://a:1\"]\n", "2:1: unknown key node.nats.server (did you mean node.nats.servers?)", ""},
		{"wrong type", "[node.nats]\nreplicas = \"3\"\n", "2:12: node.nats.replicas: expected an integer, got a string",
			nodeOnly("2:1", "replicas")},
		{"no servers", "[node.nats]\nenable = true\nservers = []\n", "3:1: node.nats.servers: must name at least one server when node.nats.enable is true", ""},
		{"bad scheme", "[node.nats]\nservers = [\"http://a:4222\"]\n", "2:1: node.nats.servers: \"http://a:4222\": the scheme must be nats, tls, ws or wss", ""},
		{"not a url", "[node.nats]\nservers = [\"127.0.0.1:4222\"]\n", "2:1: node.nats.servers: \"127.0.0.1:4222\" is not a server URL such as \"nats://127.0.0.1:4222\"", ""},
		{"two credentials", "[node.nats]\ncreds_file = \"a.creds\"\nuser = \"u\"\n", "3:8: node.nats.user: is set together with node.nats.creds_file: give one kind of NATS credentials", ""},
		{"password alone", "[node.nats]\npassword = \"p\"\n", "2:12: node.nats.password: is set but node.nats.user is empty: a password needs a user", ""},
		{"cert without key", "[node.nats]\ntls_cert_file = \"c.pem\"\n", "2:17: node.nats.tls_cert_file: is set but node.nats.tls_key_file is empty: a client certificate needs its key", ""},
		{"key without cert", "[node.nats]\ntls_key_file = \"k.pem\"\n", "2:16: node.nats.tls_key_file: is set but node.nats.tls_cert_file is empty: a key needs its client certificate", ""},
		{"prefix wildcard", "[node.nats]\nsubject_prefix = \"nano.*\"\n", "2:18: node.nats.subject_prefix: \"nano.*\" contains a wildcard", ""},
		{"prefix dot", "[node.nats]\nsubject_prefix = \"nano.\"\n", "2:18: node.nats.subject_prefix: \"nano.\" has an empty token (a leading, trailing or double dot)", ""},
		{"stream dot", "[node.nats]\nstream = \"A.B\"\n", "2:10: node.nats.stream: \"A.B\": a stream name has no white space and none of . * > / \\", ""},
		{"replicas", "[node.nats]\nreplicas = 7\n", "2:12: node.nats.replicas: 7 is out of range 1..5",
			nodeOnly("2:1", "replicas")},
		{"max_age", "[node.nats]\nmax_age = -1\n", "2:11: node.nats.max_age: -1 is out of range 0..2147483647 (seconds)",
			nodeOnly("2:1", "max_age")},
		{"max_bytes", "[node.nats]\nmax_bytes = -1\n", "2:13: node.nats.max_bytes: -1 is out of range 0..4611686018427387904",
			nodeOnly("2:1", "max_bytes")},
		{"window", "[node.nats]\npublish_window = 0\n", "2:18: node.nats.publish_window: 0 is out of range 1..65536",
			nodeOnly("2:1", "publish_window")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, NodeFile, tt.text)
			_, err := LoadNode(dir, nil)
			want := ""
			if tt.want != "" {
				want = path + ":" + tt.want
			}
			if got := errText(err); got != want {
				t.Errorf("node error:\n got %q\nwant %q", got, want)
			}
			// The same table in config-rpc.toml, as [nats].
			text := strings.Replace(tt.text, "[node.nats]", "[nats]", 1)
			dir, path = writeFile(t, RPCFile, text)
			_, err = LoadRPC(dir, nil)
			switch {
			case tt.rpc != "":
				want = path + ":" + tt.rpc
			case tt.want != "":
				want = path + ":" + strings.ReplaceAll(tt.want, "node.nats.", "nats.")
			}
			if got := errText(err); got != want {
				t.Errorf("rpc error:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// nodeOnly is the error of config-rpc.toml's [nats] key at pos that only
// [node.nats] has.
func nodeOnly(pos, key string) string {
	return pos + ": unknown key nats." + key + ": only the node uses it (node.nats." + key +
		" in config-node.toml): the node creates the stream and publishes to it, a gateway reads the stream as it is"
}

// natsNoDefaults is a [table] setting every shared NATS key but
// natsOtherCreds to a value other than its default; natsNodeNoDefaults
// follows it in [node.nats] with the node's own keys.
func natsNoDefaults(table string) string {
	return "\n[" + table + `]
enable = true
servers = ["tls://nats.example:4222", "nats://10.0.0.2:4222"]
creds_file = "nipc.creds"
tls_ca_file = "ca.pem"
tls_cert_file = "cert.pem"
tls_key_file = "key.pem"
subject_prefix = "nano.test"
stream = "NANO_TEST"
`
}

const natsNodeNoDefaults = `replicas = 3
max_age = 86400
max_bytes = 1073741824
publish_window = 1024
`

// TestNATSNodeOnlyOverride: an override of a key only [node.nats] has is
// refused for config-rpc.toml with the same explanation as in the file.
func TestNATSNodeOnlyOverride(t *testing.T) {
	for _, key := range []string{"replicas", "max_age", "max_bytes", "publish_window"} {
		dir, _ := writeFile(t, "unused", "")
		ov := "nats." + key + "=1"
		_, err := LoadRPC(dir, []string{ov})
		if got, want := errText(err), nodeOnly("--config "+ov, key); got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	}
}
