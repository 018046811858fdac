package main

import (
	"reflect"
	"strings"
)

// changedKeys lists the dotted TOML keys (prefix.key...) whose values differ
// between a and b, two values of the same config struct type, in field
// order. Fields without a toml tag or tagged "-" are skipped; a table is
// walked, anything else (arrays included) compared whole.
func changedKeys(prefix string, a, b any) []string {
	return appendChanged(nil, prefix, reflect.ValueOf(a), reflect.ValueOf(b))
}

func appendChanged(keys []string, prefix string, a, b reflect.Value) []string {
	if a.Kind() != reflect.Struct {
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			keys = append(keys, prefix)
		}
		return keys
	}
	t := a.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		keys = appendChanged(keys, key, a.Field(i), b.Field(i))
	}
	return keys
}
