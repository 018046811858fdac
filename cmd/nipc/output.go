package main

import (
	"bytes"
	"encoding/json"
	"io"
)

// writeJSON writes v as indented JSON, as the node writes its replies.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
