package fbjson

import (
	"testing"

	"github.com/nipc/nipc/api/fb"
)

func TestAppendEnvelope(t *testing.T) {
	tests := []struct {
		name, creds, corr, msg, body, want string
	}{
		{"bare", "", "", "IsAlive", `{}`, `{"message_type": "IsAlive", "message": {}}`},
		{"headers", "k", "c1", "IsAlive", `{}`, `{"credentials": "k", "correlation_id": "c1", "message_type": "IsAlive", "message": {}}`},
		{"quote stays data", `a", "x": "y`, "", "IsAlive", `{}`, `{"credentials": "a\", \"x\": \"y", "message_type": "IsAlive", "message": {}}`},
		{"control and invalid UTF-8", "\x01\xff", "é", "IsAlive", `{}`, `{"credentials": "\u0001\u00FF", "correlation_id": "é", "message_type": "IsAlive", "message": {}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(AppendEnvelope([]byte("x"), tt.creds, tt.corr, tt.msg, []byte(tt.body)))
			if got != "x"+tt.want {
				t.Fatalf("got  %s\nwant x%s", got, tt.want)
			}
			env, err := ParseEnvelope([]byte(tt.want), Options{})
			if err != nil {
				t.Fatalf("the envelope does not parse: %v", err)
			}
			if env.Message == nil || env.Message.Type != fb.MessageIsAlive {
				t.Fatalf("message %+v", env.Message)
			}
			if env.CorrelationId != tt.corr {
				t.Fatalf("correlation id %q, want %q", env.CorrelationId, tt.corr)
			}
		})
	}
}
