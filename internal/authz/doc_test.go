package authz

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nipc/nipc/api"
)

// accessDoc is the operators' page this package's rules are written in.
const accessDoc = "../../docs/ACCESS.md"

// permissionTable renders the permission catalog as docs/ACCESS.md shows it.
func permissionTable() string {
	var b strings.Builder
	b.WriteString("| Permission | Meaning | Node |\n|---|---|---|\n")
	for _, info := range api.Permissions() {
		node := "yes"
		if !info.Node {
			node = "nipc"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", info.Name, strings.ReplaceAll(info.Meaning, "|", `\|`), node)
	}
	return b.String()
}

// messageTable renders which request needs which permission.
func messageTable() string {
	var b strings.Builder
	b.WriteString("| Request | Any one of | Node |\n|---|---|---|\n")
	for _, m := range api.Messages() {
		if m.Kind != api.KindRequest {
			continue
		}
		need := "nothing: always allowed"
		if len(m.Allow) > 0 {
			names := make([]string, 0, len(m.Allow)+1)
			for _, p := range m.Allow {
				names = append(names, "`"+string(p)+"`")
			}
			need = strings.Join(append(names, "`unrestricted`"), ", ")
		}
		node := "yes"
		if !m.Node {
			node = "nipc"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.Name, need, node)
	}
	return b.String()
}

// TestAccessDoc keeps the tables of docs/ACCESS.md in step with the api
// registry. Run with -v to print them.
func TestAccessDoc(t *testing.T) {
	doc, err := os.ReadFile(accessDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{permissionTable(), messageTable()} {
		t.Log("\n" + table)
		if !strings.Contains(string(doc), table) {
			t.Errorf("%s does not contain the table\n%s", accessDoc, table)
		}
	}

	// The sample file loads, and `nipc access check` prints what the page
	// says it prints.
	_, rest, ok := strings.Cut(string(doc), "```toml\n")
	sample, rest, ok2 := strings.Cut(rest, "```\n")
	_, rest, ok3 := strings.Cut(rest, "$ nipc access check ~/.nipc/config-access.toml\n")
	shown, _, ok4 := strings.Cut(rest, "```\n")
	if !ok || !ok2 || !ok3 || !ok4 {
		t.Fatalf("%s: cannot find the sample file and its check output", accessDoc)
	}
	if got := Describe(mustParse(t, sample)); got != shown {
		t.Errorf("the sample describes as\n%s\nthe page shows\n%s", got, shown)
	}
}
