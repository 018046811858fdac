package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagsAnywhere: flags before and after the arguments, the client
// flags before the verb too, and the single-dash spellings the docs and
// scripts used with the stdlib flag package, against a real node.
func TestFlagsAnywhere(t *testing.T) {
	d := startNode(t)
	port := fmt.Sprint(d.port)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		inStdout string
	}{
		{"socket after the action", "", []string{"rpc", "uptime", "-S", d.sock}, `"seconds"`},
		{"socket before the action", "", []string{"rpc", "-S", d.sock, "uptime"}, `"seconds"`},
		{"socket before the verb", "", []string{"-S", d.sock, "rpc", "uptime"}, `"seconds"`},
		{"long socket before the verb", "", []string{"--socket", d.sock, "rpc", "uptime"}, `"seconds"`},
		{"port before the verb", "", []string{"-P", port, "ping"}, `"alive": true`},
		{"port after the verb", "", []string{"ping", "-P", port}, `"alive": true`},
		{"--port=", "", []string{"--port=" + port, "status"}, `"network": "dev"`},
		{"timeout before the verb", "", []string{"--timeout", "5s", "ping", "-S", d.sock}, `"alive": true`},
		{"encoding after the message", "", []string{"call", "IsAlive", "--encoding", "flatbuffers", "-S", d.sock}, `"message_type": "IsAlive"`},
		{"encoding= before the message", "", []string{"call", "--encoding=flatbuffers", "IsAlive", "-S", d.sock}, `"message_type": "IsAlive"`},
		{"key=value then a flag", "", []string{"rpc", "account_balance", "account=nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo", "-P", port}, `"balance"`},
		{"whole JSON request", "", []string{"rpc", `{"action": "version"}`, "-S", d.sock}, `"network": "dev"`},
		{"whole JSON request on stdin", `{"action": "version"}`, []string{"rpc", "-", "-S", d.sock}, `"network": "dev"`},
		{"JSON params after the action", "", []string{"rpc", "-S", d.sock, "version", `{"x": 1}`}, `"network": "dev"`},

		{"single dash: -encoding", "", []string{"call", "IsAlive", "-encoding", "flatbuffers", "-S", d.sock}, `"message_type": "IsAlive"`},
		{"single dash: -encoding=", "", []string{"call", "-encoding=flatbuffers", "IsAlive", "-S", d.sock}, `"message_type": "IsAlive"`},
		{"single dash: -correlation-id", "", []string{"call", "-correlation-id", "abc", "IsAlive", "-S", d.sock}, `"correlation_id": "abc"`},
		{"single dash: -timeout before the verb", "", []string{"-timeout", "5s", "rpc", "uptime", "-S", d.sock}, `"seconds"`},
		{"single dash: -timeout after", "", []string{"rpc", "uptime", "-S", d.sock, "-timeout", "5s"}, `"seconds"`},
		{"single dash: bench", "", []string{"bench", "-c", "2", "-n", "20", "-warm", "0", "-action", "uptime", "-S", d.sock}, `"requests": 20`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := nipc(t, nil, tt.stdin, tt.args...)
			if code != 0 || !strings.Contains(out, tt.inStdout) {
				t.Fatalf("exit %d\nstdout %s (want %q)\nstderr %s", code, out, tt.inStdout, errOut)
			}
		})
	}
}

// TestUsageErrors: misspelt verbs get cobra's suggestions and misspelt
// flags the verb's nearest flag; unknown flags and bad arguments are exit 2
// with the hint to --help on stderr.
func TestUsageErrors(t *testing.T) {
	dir := tempDir(t)
	tests := []struct {
		name     string
		stdin    string
		args     []string
		inStderr []string
	}{
		{"no verb", "", nil, []string{"Usage:", "Run 'nipc --help' for usage."}},
		{"misspelt verb", "", []string{"pnig"}, []string{`unknown command "pnig"; did you mean ping?`, "Run 'nipc --help'"}},
		{"misspelt sub-verb", "", []string{"config", "chek"}, []string{`unknown command "chek"; did you mean check?`, "Run 'nipc config --help'"}},
		{"config alone", "", []string{"config"}, []string{"Usage:", "generate"}},
		{"access alone", "", []string{"access"}, []string{"Usage:", "check"}},
		{"help on nothing", "", []string{"help", "bogus"}, []string{`unknown command "bogus"`}},
		{"unknown flag", "", []string{"rpc", "uptime", "--bogus"}, []string{"unknown flag: --bogus", "Run 'nipc rpc --help'"}},
		{"misspelt flag", "", []string{"node", "--data-path", dir}, []string{"unknown flag: --data-path; did you mean --data_path?", "Run 'nipc node --help'"}},
		{"misspelt dashed flag", "", []string{"node", "--port_base", "7000"}, []string{"unknown flag: --port_base; did you mean --port-base?"}},
		{"misspelt gateway flag", "", []string{"gateway", "--data-path", dir}, []string{"unknown flag: --data-path; did you mean --data_path?"}},
		{"misspelt client flag", "", []string{"ping", "--sockett", "/tmp/x"}, []string{"unknown flag: --sockett; did you mean --socket?"}},
		{"misspelt verb flag", "", []string{"rpc", "--lsit"}, []string{"unknown flag: --lsit; did you mean --list?"}},
		{"unknown single-dash word", "", []string{"sub", "confirmation", "-bogus"}, []string{"unknown shorthand flag", "Run 'nipc sub --help'"}},
		{"client flag on a daemon verb", "", []string{"node", "--data_path", dir, "-P", "7177"}, []string{"-P is a client flag", "node.ipc.tcp.port"}},
		{"no topic", "", []string{"sub"}, []string{"missing the topic"}},
		{"unknown topic", "", []string{"sub", "blocks"}, []string{`unknown topic "blocks"`}},
		{"no action", "", []string{"rpc"}, []string{"missing ACTION"}},
		{"JSON without action", "", []string{"rpc", `{"account": "x"}`}, []string{`no "action"`}},
		{"stdin without action", `{}`, []string{"rpc", "-"}, []string{`no "action"`}},
		{"JSON and more", "", []string{"rpc", `{"action": "version"}`, "x=1"}, []string{"only argument"}},
		{"extra argument", "", []string{"ping", "now"}, []string{"unexpected arguments: now"}},
		{"unknown shell", "", []string{"completion", "tcsh"}, []string{"tcsh"}},
		{"bad encoding", "", []string{"call", "IsAlive", "--encoding", "xml"}, []string{"--encoding must be json or flatbuffers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := nipc(t, nil, tt.stdin, tt.args...)
			if code != exitUsage {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, exitUsage, out, errOut)
			}
			for _, want := range tt.inStderr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
		})
	}
}

// TestSubAccessDenied: nipc sub exits 77 on Access denied, as nipc call
// does.
func TestSubAccessDenied(t *testing.T) {
	dir := tempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "config-access.toml"), []byte("[[user]]\nid = \"\"\nallow = \"api_account_weight\"\ndeny = \"api_topic_confirmation\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startNodeIn(t, dir)
	for _, args := range [][]string{
		{"sub", "confirmation", "--count", "1", "-S", d.sock},
		{"sub", "confirmation", "-count", "1", "-S", d.sock},
		{"call", "BlockCount", "-S", d.sock},
	} {
		t.Run(strings.Join(args[:3], " "), func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", args...)
			if code != exitNoPerm || !strings.Contains(out+errOut, "Access denied") {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, exitNoPerm, out, errOut)
			}
		})
	}
}
