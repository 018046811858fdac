package fbjson

import (
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

var benchJSON = []byte(`{"correlation_id": "42", "message_type": "AccountWeight", "message": {"account": "` + burn + `"}}`)

func BenchmarkParseAccountWeight(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchJSON)))
	for b.Loop() {
		if _, err := Parse(benchJSON, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEnvelopeAccountWeight(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEnvelope(benchJSON, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderAccountWeight(b *testing.B) {
	buf, err := Parse(benchJSON, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderEnvelopeAccountWeightResponse(b *testing.B) {
	env := api.NewEnvelope(&fb.AccountWeightResponseT{VotingWeight: "340282366920938463463374607431768211455"}, "42", zero)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderEnvelope(env); err != nil {
			b.Fatal(err)
		}
	}
}
