package ptree

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// account is a 67-byte array element, the density of Nano's bulk requests.
const account = `"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3",`

// repeatTo repeats unit until the result is about n bytes.
func repeatTo(unit string, n int) string { return strings.Repeat(unit, n/len(unit)) }

// boundCases are large requests shaped to make a tree builder amplify
// memory; read is the member an action would read.
func boundCases(size int) []struct{ name, body, read string } {
	return []struct{ name, body, read string }{
		{"dense array, unknown key", `{"action":"block_count","x":[` + repeatTo("1,", size) + `1]}`, ""},
		{"dense array, read key", `{"action":"accounts_balances","accounts":[` + repeatTo("1,", size) + `1]}`, "accounts"},
		{"wide object", `{"action":"block_count",` + repeatTo(`"k":1,`, size) + `"k":1}`, "k"},
		{"deep and wide", `{"action":"block_count","x":` + strings.Repeat(`{"a":[`, MaxDepth/2-1) +
			repeatTo(`{},`, size) + `{}` + strings.Repeat(`]}`, MaxDepth/2-1) + `}`, "x"},
		{"deep accounts, read", `{"action":"block_count","x":` + strings.Repeat(`{"a":[`, MaxDepth/2-1) +
			repeatTo(account, size) + `""` + strings.Repeat(`]}`, MaxDepth/2-1) + `}`, "x"},
		{"accounts at the cap, read", `{"action":"accounts_balances","accounts":[` + repeatTo(account, size) + `"x"]}`, "accounts"},
		{"accounts at the cap, unread", `{"action":"block_count","accounts":[` + repeatTo(account, size) + `"x"]}`, ""},
	}
}

// TestParseHeapBound: parsing a request and reading all of the member an
// action reads allocates at most 2.5 times the request: one copy of the
// text plus at most 1.5 times for the nodes (MaxValues).
func TestParseHeapBound(t *testing.T) {
	const size = 4 << 20
	for _, tc := range boundCases(size) {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.body)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			tr, err := Parse(in)
			values := 0
			if err == nil {
				tr.Get("action")
				if c, ok := tr.Child(tc.read); ok {
					values = countValues(c)
				}
			}
			runtime.ReadMemStats(&after)
			grew := after.TotalAlloc - before.TotalAlloc
			ratio := float64(grew) / float64(len(in))
			t.Logf("%d bytes: err %v, %d values, allocated %d (%.2fx)", len(in), err, values, grew, ratio)
			if ratio > 2.5 {
				t.Errorf("allocated %.2fx the request, want <= 2.5x", ratio)
			}
		})
	}
}

// countValues reads the whole tree, as the deepest-reading action would.
func countValues(t *Tree) int {
	n := 1
	for _, c := range t.All() {
		n += countValues(c)
	}
	return n
}

func TestParseValueCap(t *testing.T) {
	// n elements of "1," in an array: 2n+1 bytes, n+1 values.
	array := func(n int) []byte { return []byte("[" + strings.Repeat("1,", n-1) + "1]") }
	tests := []struct {
		name    string
		in      []byte
		wantErr string // "" = accepted
	}{
		{"at the floor", array(minValues - 1), ""},
		{"over the floor", array(minValues), "too many values: 16385 in 32769 bytes, at most 16384"},
		{"one per 64 bytes", []byte(`[` + repeatTo(account, 8<<20) + `""]`), ""},
		{"malformed keeps its error", append(array(minValues*2), ','), "garbage after data"},
		{"over the cap in a lazy member", []byte(`{"a":[` + repeatTo("1,", 1<<20) + `1]}`), "too many values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) || !strings.Contains(se.Msg, tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestParseScanAllocates nothing but the error: a refused document costs
// no allocation, however large.
func TestParseScanAllocates(t *testing.T) {
	for _, s := range []string{
		`{"x":[` + repeatTo("1,", 1<<20) + `1]}`,
		`{"x":[` + repeatTo(`"\u00e9\n",`, 1<<20) + `1]`,
		`{"x":[` + repeatTo(`"\ud83d\ude00",`, 1<<20) + `"\x"]}`,
		strings.Repeat("[", MaxDepth+1),
	} {
		in := []byte(s)
		// TotalAlloc counts the whole process: the least of a few tries
		// leaves out what other goroutines (the runtime's, the race
		// detector's) allocated meanwhile.
		grew := ^uint64(0)
		for range 5 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Parse(in)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("%.20q...: accepted", in)
			}
			grew = min(grew, after.TotalAlloc-before.TotalAlloc)
		}
		if grew > 256 {
			t.Errorf("%.20q...: %d bytes allocated, want only the error's", in, grew)
		}
	}
}

// TestParseLazyMembers: a member that is a non-empty object or array is
// built on first read, once, also under concurrent readers.
func TestParseLazyMembers(t *testing.T) {
	tr, err := Parse([]byte(`{"action":"x","a":[1,{"b":["c"]}],"o":{"k":"v"},"e":[],"f":{ }}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a", "o"} {
		c, _ := tr.Child(key)
		if c.lazy == nil || c.kids != nil {
			t.Fatalf("%s built before it was read", key)
		}
		if c.IsLeaf() {
			t.Fatalf("%s: IsLeaf on a lazy member", key)
		}
		if _, ok := tr.Get(key); ok {
			t.Fatalf("Get(%s) ok on a container", key)
		}
		if c.kids != nil {
			t.Fatalf("%s built by IsLeaf or Get", key)
		}
	}
	for _, key := range []string{"e", "f"} {
		if v, ok := tr.Get(key); !ok || v != "" {
			t.Errorf("Get(%s) = %q, %v: an empty container is an empty leaf", key, v, ok)
		}
	}
	a, _ := tr.Child("a")
	var wg sync.WaitGroup
	dumps := make([]string, 8)
	for i := range dumps {
		wg.Go(func() { dumps[i] = dump(a) })
	}
	wg.Wait()
	for _, d := range dumps {
		if d != `("":"1","":("b":("":"c")))` {
			t.Fatalf("dump = %s", d)
		}
	}
	o, _ := tr.Child("o")
	tr.Set("o", "replaced")
	if v, ok := tr.Get("o"); !ok || v != "replaced" || o.lazy != nil {
		t.Errorf("Set on a lazy member: %q %v", v, ok)
	}
}
