package gateway_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// docExample is a curl command of a document and the output shown
// under it.
type docExample struct {
	file    string
	line    int
	command string
	want    string
}

// docExamples reads every ```sh block that is a curl command followed by a
// fenced output block.
func docExamples(t *testing.T, path string) []docExample {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		line       int
		lang, body string
	}
	var blocks []block
	lines := strings.Split(string(text), "\n")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok || lang == "" {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		blocks = append(blocks, block{start + 1, lang, strings.Join(body, "\n")})
	}
	var out []docExample
	for i, b := range blocks {
		if b.lang != "sh" || !strings.HasPrefix(b.body, "curl ") || i+1 >= len(blocks) {
			continue
		}
		out = append(out, docExample{file: path, line: b.line, command: b.body, want: blocks[i+1].body})
	}
	return out
}

// TestDocsCurlExamples runs the curl examples of docs/GATEWAY.md and the
// README against a live
// in-process gateway and compares their output with the text shown.
func TestDocsCurlExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed (apt-get install -y curl): it runs docs/GATEWAY.md's examples")
	}
	examples := docExamples(t, "../../docs/GATEWAY.md")
	if len(examples) < 10 {
		t.Fatalf("found only %d curl examples in docs/GATEWAY.md", len(examples))
	}
	readme := docExamples(t, "../../README.md")
	if len(readme) < 2 {
		t.Fatalf("found only %d curl examples in README.md", len(readme))
	}
	examples = append(examples, readme...)
	e := startEnv(t, modes[0], envOptions{})
	addr := strings.TrimPrefix(e.base, "http://")
	for _, ex := range examples {
		cmd := strings.ReplaceAll(ex.command, "127.0.0.1:7076", addr)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, "sh", "-c", cmd).CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s:%d: %s: %v\n%s", ex.file, ex.line, ex.command, err, out)
			continue
		}
		got, want := normTime(strings.TrimSpace(string(out))), normTime(strings.TrimSpace(ex.want))
		if got != want {
			t.Errorf("%s:%d: %s\ngot:\n%s\ndocumented:\n%s", ex.file, ex.line, ex.command, got, want)
		}
	}
}
