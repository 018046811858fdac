package ptree

import (
	"encoding/json"
	"runtime"
	"testing"
)

const smallRequest = `{"action":"account_weight","account":"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3"}`

const mediumRequest = `{
    "action": "accounts_balances",
    "accounts": [
        "nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3",
        "nano_1111111111111111111111111111111111111111111111111111hifc8npp",
        "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"
    ],
    "include_only_confirmed": true,
    "count": 10
}`

func smallReply() *Tree {
	return New().Put("count", "1").Put("unchecked", "0").Put("cemented", "1")
}

func BenchmarkParseSmallRequest(b *testing.B) {
	in := []byte(smallRequest)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		t, err := Parse(in)
		if err != nil {
			b.Fatal(err)
		}
		if v, _ := t.Get("action"); v != "account_weight" {
			b.Fatal(v)
		}
	}
}

// BenchmarkParseSmallRequestEncodingJSON is the baseline: encoding/json
// into a struct with the two fields.
func BenchmarkParseSmallRequestEncodingJSON(b *testing.B) {
	in := []byte(smallRequest)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var req struct {
			Action  string `json:"action"`
			Account string `json:"account"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			b.Fatal(err)
		}
		if req.Action != "account_weight" {
			b.Fatal(req.Action)
		}
	}
}

func BenchmarkParseMediumRequest(b *testing.B) {
	in := []byte(mediumRequest)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseMediumRequestEncodingJSON(b *testing.B) {
	in := []byte(mediumRequest)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var req struct {
			Action               string   `json:"action"`
			Accounts             []string `json:"accounts"`
			IncludeOnlyConfirmed bool     `json:"include_only_confirmed"`
			Count                int      `json:"count"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendPrettySmallReply(b *testing.B) {
	r := smallReply()
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = AppendPretty(buf[:0], r)
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkBuildAndAppendPrettySmallReply includes building the tree and a
// fresh output buffer, as a handler does per request.
func BenchmarkBuildAndAppendPrettySmallReply(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = AppendPretty(make([]byte, 0, 128), smallReply())
	}
}

func BenchmarkAppendPrettySmallReplyEncodingJSON(b *testing.B) {
	r := struct {
		Count     string `json:"count"`
		Unchecked string `json:"unchecked"`
		Cemented  string `json:"cemented"`
	}{"1", "0", "1"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.MarshalIndent(r, "", "    "); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLarge reports the bytes allocated per request byte
// (alloc-B/req-B) for the 4 MiB requests of TestParseHeapBound: parse, and
// read the member an action reads.
func BenchmarkParseLarge(b *testing.B) {
	for _, tc := range boundCases(4 << 20) {
		in := []byte(tc.body)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				tr, err := Parse(in)
				if err != nil {
					continue
				}
				if c, ok := tr.Child(tc.read); ok {
					countValues(c)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(in)), "alloc-B/req-B")
		})
	}
}
