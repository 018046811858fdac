package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docPlaceholders turn a documented command line into the line a script
// types: the documented defaults become the variables nipc-node sets.
var docPlaceholders = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:7076\b`), "127.0.0.1:$HTTP_PORT"},
	{regexp.MustCompile(`127\.0\.0\.1:7079\b`), "127.0.0.1:$METRICS_PORT"},
	{regexp.MustCompile(`/dev/tcp/127\.0\.0\.1/7077\b`), "/dev/tcp/127.0.0.1/$NIPC_IPC_PORT"},
	{regexp.MustCompile(`-S /tmp/nano\b`), "-S $NIPC_IPC_PATH"},
	{regexp.MustCompile(`~/`), "$HOME/"},
	{regexp.MustCompile(`\bWALLET\b`), "$WALLET"},
	{regexp.MustCompile(`\bNEW_ACCOUNT\b`), "$NEW_ACCOUNT"},
	{regexp.MustCompile(`\bSEND_HASH\b`), "$SEND_HASH"},
}

// docPorts are the fixed ports of docs/SCALING.md's recipe (NATS, the
// node's --port-base 7100, the gateways' 8100, 8200 and 8300): port N
// becomes $PN, which the script sets with freeports.
var docPorts = regexp.MustCompile(`\b(4222|710[0-3]|8[123]0[0-3])\b`)

// docAllowlist: documented lines no script runs, each with the reason.
var docAllowlist = map[string]string{
	// Runs forever on the fixed default ports, and builds into GOPATH.
	`go install ./cmd/nipc && export PATH="$(go env GOPATH)/bin:$PATH" && nipc node`: "a daemon on fixed ports; nipc-node starts the same node on free ports",
	"scripts/test":             "the whole suite: it runs this test",
	"FUZZTIME=3m scripts/fuzz": "minutes of fuzzing",
	// Fixed ports and addresses a test cannot take (::1 may be absent).
	// config.PortClash keeps them from clashing with the node's own other
	// ports (TestPortClash).
	"nipc node --config node.ipc.tcp.port=7177 --config node.ipc.local.path=/tmp/nano-2":         "fixed port and socket path",
	"nipc node --config 'node.ipc.local.path=\"/tmp/nano 2\"' --config node.logging.level=debug": "fixed default ports",
	"nipc node --config 'node.ipc.tcp={port = 7177, address = \"::1\"}'":                         "fixed port on ::1",
	// The side-by-side example on fixed ports; first_contact_test.go's
	// TestTwoNodesPortBase runs it on free ones.
	"nipc node --data_path /tmp/a --port-base 7176 --rpcconfig enable_control=true": "fixed ports (TestTwoNodesPortBase runs it on free ones)",
	"nipc rpc -P 7177 uptime":             "fixed ports (TestTwoNodesPortBase)",
	"nipc wallet list --data_path /tmp/a": "fixed path (TestTwoNodesPortBase)",
	// nipc gateway's synopsis and fixed-port examples (TestGatewayPortBase, TestGatewayVerb).
	"nipc gateway [--data_path DIR] [--port-base N] [--config key=value]... [--rpcconfig key=value]... [--ws_origin PATTERN]...": "a synopsis, not a command",
	"nipc gateway --rpcconfig process.ipc_path=/tmp/nano --rpcconfig port=8076 --config node.websocket.port=8078":                "fixed ports (TestGatewayPortBase, TestGatewayVerb)",
	"nipc node --data_path /tmp/n --port-base 9076 --config rpc.enable=false --config node.websocket.enable=false":               "fixed ports (TestGatewayPortBase, TestGatewayVerb)",
	"nipc gateway --data_path /tmp/gw --port-base 9076":                                                                          "fixed ports (TestGatewayPortBase, TestGatewayVerb)",
}

// docAllowPrefix: documented lines of docs/PERFORMANCE.md, benchmarks that
// run for minutes against their own processes.
var docAllowPrefix = []string{
	"go test -run '^$' -bench", "(cd ../shared/bench/peers", "go build -o /tmp/nipc-bench", "REQ=",
	"GOMAXPROCS=2 /tmp/peers", "RUNS=5 scripts/bench-gateway", "API=v2 RUNS=5 scripts/bench-gateway",
	"API=v2 CEILING=1 RUNS=5 scripts/bench-gateway",
}

// shCommands is every command line of the ```sh blocks of a Markdown
// file: continuation lines joined, trailing # comments dropped.
func shCommands(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	in, cont := false, ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		}
		if !in {
			continue
		}
		line = cont + strings.TrimSpace(line)
		if l, ok := strings.CutSuffix(line, `\`); ok {
			cont = strings.TrimSpace(l) + " "
			continue
		}
		cont = ""
		if i := strings.Index(line, "  #"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// curlRunElsewhere: the curl lines of README.md and docs/GATEWAY.md that
// are followed by their output are run, and their output compared, by
// internal/gateway's TestDocsCurlExamples.
func curlRunElsewhere(file, cmd string) bool {
	base := filepath.Base(file)
	return strings.HasPrefix(cmd, "curl ") && (base == "README.md" || base == "GATEWAY.md")
}

// TestDocsExamplesInScripts: every ```sh command line of README.md and
// docs/*.md is typed by a script of testdata/script (after the documented
// placeholders become the script's variables; VAR=value before a command
// is the script's env VAR=value), is run elsewhere, or is allowlisted with
// its reason. A line of a script's files counts too: a shell script there
// run with exec bash types its lines (raw_protocol.txtar).
func TestDocsExamplesInScripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	var lines []string
	for _, s := range scripts {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			lines = append(lines, strings.TrimPrefix(strings.TrimSpace(l), "! "))
		}
	}
	typed := func(cmd string) bool {
		for _, l := range lines {
			if l == cmd {
				return true
			}
		}
		return false
	}
	docs, _ := filepath.Glob("../../docs/*.md")
	docs = append([]string{"../../README.md"}, docs...)
	envPrefix := regexp.MustCompile(`^([A-Z_]+=\S+) `)
	found, missing := 0, []string{}
	for _, doc := range docs {
		for _, cmd := range shCommands(t, doc) {
			if _, ok := docAllowlist[cmd]; ok || curlRunElsewhere(doc, cmd) || hasAnyPrefix(cmd, docAllowPrefix) {
				continue
			}
			want := cmd
			for _, p := range docPlaceholders {
				want = p.re.ReplaceAllLiteralString(want, p.with)
			}
			want = docPorts.ReplaceAllString(want, "$$P$1")
			ok := true
			for m := envPrefix.FindStringSubmatch(want); m != nil; m = envPrefix.FindStringSubmatch(want) {
				ok = ok && typed("env "+m[1])
				want = want[len(m[0]):]
			}
			if ok && (typed(want) || typed("exec "+want) || typed("exec sh -c '"+strings.ReplaceAll(want, "'", "''")+"'")) {
				found++
				continue
			}
			missing = append(missing, filepath.Base(doc)+": "+cmd+"\n\t(as "+want+")")
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d documented command lines no script types (add them to testdata/script, or to docAllowlist with the reason):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
	t.Logf("%d documented command lines typed by scripts", found)
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
