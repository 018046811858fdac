package config

import (
	"reflect"
	"strings"
)

// field is one TOML key of a struct type.
type field struct {
	name    string
	index   []int
	typ     reflect.Type
	comment string
	kind    string // the type tag, if any
}

// fields lists the TOML keys of struct type t in declaration order,
// descending into embedded structs.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, sub := range fields(f.Type) {
				sub.index = append([]int{i}, sub.index...)
				out = append(out, sub)
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{
			name:    name,
			index:   []int{i},
			typ:     f.Type,
			comment: f.Tag.Get("comment"),
			kind:    f.Tag.Get("type"),
		})
	}
	return out
}

// lookup returns the type of the field at key in t; an empty key is t.
func lookup(t reflect.Type, key []string) (reflect.Type, bool) {
	for _, part := range key {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		found := false
		for _, f := range fields(t) {
			if f.name == part {
				t, found = f.typ, true
				break
			}
		}
		if !found {
			return nil, false
		}
	}
	return t, true
}

// describe names what a key of type t expects, for type mismatch errors.
func describe(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Seconds]():
		return "an integer (seconds)"
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return "an integer"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "an array of strings"
	case t.Kind() == reflect.Struct:
		return "a table"
	default:
		return "a value"
	}
}

// tomlKindOf names the TOML kind of a value decoded into an any.
func tomlKindOf(v any) string {
	switch v.(type) {
	case int64:
		return "integer"
	case float64:
		return "float"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "table"
	default:
		return "date-time"
	}
}

func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
