package testenv

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestShapeDiff(t *testing.T) {
	const doc = `{"a": "1", "o": {"b": "2"}, "l": [{"c": "3"}], "e": ""}`
	tests := []struct {
		got   string
		allow map[string]string
		want  []string
	}{
		{`{"a": "x", "o": {"b": "y"}, "l": [{"c": "z"}, {}], "e": ""}`, nil, nil},
		{`{"a": "x", "o": {"b": "y"}, "l": [], "e": ""}`, nil, nil},
		{`{"o": {"b": "y", "n": "1"}, "l": [{"c": 3}], "e": []}`, nil,
			[]string{"a: missing from nipc", "e: string in the documentation, []interface {} from nipc", "l[].c: string in the documentation, float64 from nipc", "o.n: only from nipc"}},
		{`{"a": "x", "o": {"b": "y", "n": "1"}, "l": [{"c": "z"}], "e": ""}`, map[string]string{"o.n": "why"}, nil},
		{`{"a": "x", "o": "y", "l": [{"c": "z"}], "e": ""}`, nil, []string{"o: map[string]interface {} in the documentation, string from nipc"}},
	}
	var d any
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		var g any
		if err := json.Unmarshal([]byte(tt.got), &g); err != nil {
			t.Fatal(err)
		}
		if got := ShapeDiff("", d, g, tt.allow); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.got, got, tt.want)
		}
	}
}

func TestWSDocsSamples(t *testing.T) {
	for _, topic := range []string{"confirmation", "vote", "started_election", "stopped_election", "new_unconfirmed_block",
		"active_difficulty", "work", "telemetry", "bootstrap"} {
		if m, ok := WSDocsSample(t, topic).(map[string]any); !ok || m["topic"] != topic {
			t.Errorf("%s: sample %v", topic, m)
		}
	}
}
