// Package ptree is the Nano node's legacy JSON: a string tree with the
// semantics of boost property_tree, parsed like boost's read_json and
// rendered byte for byte like boost's write_json.
//
// # Model
//
// A [Tree] has a string Value and an ordered list of children, each under a
// string key. Keys may repeat and order is preserved. An object is a node
// with keyed children, an array is a node whose children all have the key
// "", and a leaf is a node without children. Every JSON scalar is a string:
// the number 10 becomes "10" (its exact source text), true becomes "true",
// null becomes "null".
//
// Reading:
//
//	t, err := ptree.Parse(body)        // strict JSON; errors wrap ErrSyntax (*SyntaxError)
//	action, ok := t.Get("action")      // first child "action", if it is a leaf
//	sub, ok := t.Child("accounts")     // first child "accounts", any shape
//	for key, v := range t.All() { … }  // children in order (key "" in arrays); or t.Each
//
// Building (boost push_back semantics: Put appends, it never replaces; Set
// replaces the first child with that key or appends):
//
//	r := ptree.New().Put("count", "1").Put("unchecked", "0")
//	h := ptree.New()
//	h.PushValue("x")
//	r.PutChild("history", h)
//	reply := ptree.AppendPretty(nil, r)
//
// A *Tree is not safe for concurrent mutation; concurrent reads are fine
// (a member that Parse left unbuilt is built once, by the first reader).
// PutChild and Push attach the given *Tree itself (no copy), so later changes
// to it are visible in the parent.
//
// # Parsing (boost read_json)
//
// [Parse] accepts RFC 8259 JSON whose root is an object or an array, like
// boost: leading/trailing whitespace (space, tab, CR, LF) is allowed, other
// trailing bytes are an error; a first byte 0xEF makes the parser skip the
// first three bytes (boost's BOM skip, which does not check the other two).
// Strings are unescaped; \uXXXX escapes including surrogate pairs become
// UTF-8; unpaired surrogates, invalid escapes and raw control bytes are
// errors. Empty {} and [] become a node with no children and Value "".
// Nesting deeper than [MaxDepth] is an error.
//
// # Cost
//
// A request's cost is bounded by its size, not by what it contains. Parse
// first validates the whole document in one pass that allocates nothing
// (the same code as the builder, so errors and offsets are the builder's),
// counting its values. A document with more values than [MaxValues] allows
// (one per 64 bytes, at least 16384) is refused with an error that wraps
// ErrSyntax, "too many values: N in M bytes, at most L", only after the
// whole document validated, so malformed input keeps its syntax error.
// Then Parse copies the text once and builds the root and its members; a
// member that is a non-empty object or array keeps its text (a substring
// of that copy) and is built, whole, the first time its children are read
// (Child then Len/All/Each/Get/Has/..., rendering, Equal, Put). Get and
// IsLeaf do not build it: such a member is never a leaf. Empty {} and []
// members are leaves from the start. A build counts first, so the nodes,
// the children and the builder's stack are three allocations of exactly
// the needed size: at most 96 bytes per value, so a tree read entirely
// costs at most the copy plus 1.5 times the text, and one whose large
// members are never read costs about the copy. A refused document costs no
// allocation but its error. Strings without escapes are substrings of the
// copy; an escaped string is one allocation of its unescaped length.
//
// Deviations from boost, all of which only turn odd inputs into errors that
// the legacy handlers map to "Unable to parse JSON" anyway:
//   - a scalar root ("x", 1) is an error; boost ≥1.59 accepts it as a
//     childless tree, on which every handler fails with the same message;
//   - raw bytes in strings must be valid UTF-8 by Go's rules; boost only
//     checks lead/trail byte shapes, so it also takes overlong forms,
//     encoded surrogates and code points above U+10FFFF;
//   - the nesting limit (boost recurses without limit);
//   - the value limit, [MaxValues] (boost builds a node per value, about
//     60 times the request for a dense array such as [1,1,...]).
//
// # Rendering (boost write_json)
//
// [AppendPretty] reproduces write_json(pretty=true): the root is always
// written as an object (even when it has no children, "{\n}", or only ""
// keys); below the root a node without children is written as its Value
// string (so an empty object or array shows as ""), a node whose children
// all have key "" as an array, any other node as an object. Members are
// indented by 4 spaces per level, "key": value, with "," after all but the
// last; the document ends with "\n". [AppendCompact] is
// write_json(pretty=false): the same without newlines and indentation, also ending with "\n"
// as in boost 1.82, which the node used through V27 (boost dropped that
// newline in Nov 2023, property_tree PR #23, and the node's develop branch
// moved to boost 1.86 in Oct 2024). Only the RPC gateway uses the compact
// form, for a body it forwards to the node, so the newline is immaterial.
//
// Strings (values and keys) are escaped like boost's create_escapes:
// `"` `\` `/` become \" \\ \/, BS FF LF CR TAB become \b \f \n \r \t, other
// bytes below 0x20 become \u00XX (uppercase hex), 0x7F is written raw.
// Deliberate deviation: output is ASCII only. Boost copies bytes ≥ 0x80 raw;
// nipc writes each non-ASCII code point as \uXXXX (uppercase hex, a
// surrogate pair above U+FFFF) and each byte of invalid UTF-8 as \uFFFD,
// because the npm nano-ipc client compares the string length with the byte
// length of the frame.
//
// Boost refuses (throws on) trees it cannot represent: a root with a
// non-empty Value, or a node with both children and a non-empty Value.
// nipc renders them anyway, ignoring the Value of every node that has
// children.
package ptree
