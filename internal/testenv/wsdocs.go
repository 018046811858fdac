package testenv

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// wsDocs holds the Nano WebSocket documentation's sample message of each
// topic (wsdocs/SOURCE.md says where they come from).
//
//go:embed wsdocs/*.json
var wsDocs embed.FS

// WSDocsSample is the documentation's sample message of topic, decoded.
func WSDocsSample(t testing.TB, topic string) any {
	t.Helper()
	data, err := wsDocs.ReadFile("wsdocs/" + topic + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// WSShapeAllowed are the known differences between a documentation sample
// and nipc's message of a topic (dotted paths), each with its reason.
var WSShapeAllowed = map[string]map[string]string{
	"confirmation": {
		"sequence":                    "nipc's confirmation sequence (docs/GATEWAY.md)",
		"message.sideband":            "include_sideband_info, documented in prose, not in the sample",
		"message.election_info.final": "written by the node's block_confirmed, not in the sample",
	},
	"vote": {"message.duration": "written by the node's vote::serialize_json, not in the sample"},
	"telemetry": {
		"message.database_backend":            "documented for a newer node than websocket.cpp's telemetry_data::serialize_json, which nipc follows",
		"message.confirmation_latency_ms_p50": "likewise",
		"message.confirmation_latency_ms_p90": "likewise",
		"message.confirmation_latency_ms_p99": "likewise",
		"message.bootstrap_status":            "likewise",
	},
}

// WSShapeDiff compares nipc's message got of topic with the
// documentation's sample, but for WSShapeAllowed: the differences, none
// when the shapes agree.
func WSShapeDiff(t testing.TB, topic string, got any) []string {
	t.Helper()
	return ShapeDiff("", WSDocsSample(t, topic), got, WSShapeAllowed[topic])
}

// ShapeDiff compares the key sets and value types (string, object,
// array) of two JSON values, recursively (an array by its first
// element); keys in allow (dotted paths) may differ either way.
func ShapeDiff(path string, doc, got any, allow map[string]string) []string {
	var out []string
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	if kind(doc) != kind(got) {
		// The node writes an empty list as "" (bad_peers).
		return []string{fmt.Sprintf("%s: %s in the documentation, %s from nipc", path, kind(doc), kind(got))}
	}
	switch d := doc.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := map[string]bool{}
		for k := range d {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := strings.TrimPrefix(path+"."+k, ".")
			dv, inDoc := d[k]
			gv, inGot := g[k]
			if _, ok := allow[p]; ok {
				continue
			}
			switch {
			case !inDoc:
				out = append(out, p+": only from nipc")
			case !inGot:
				out = append(out, p+": missing from nipc")
			default:
				out = append(out, ShapeDiff(p, dv, gv, allow)...)
			}
		}
	case []any:
		g := got.([]any)
		if len(d) > 0 && len(g) > 0 {
			out = append(out, ShapeDiff(path+"[]", d[0], g[0], allow)...)
		}
	}
	return out
}
