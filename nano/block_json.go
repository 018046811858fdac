package nano

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MarshalJSON encodes the block in the node's JSON shape (the one the RPC
// returns with json_block=true): the members JSONFields lists, in its
// order, as one compact object. The receiver is a value so that a Block
// encodes the same whether or not it is addressed by pointer.
func (b Block) MarshalJSON() ([]byte, error) {
	buf := make([]byte, 0, 640)
	err := b.JSONFields(func(key, value string) {
		if len(buf) == 0 {
			buf = append(buf, '{')
		} else {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, key...)
		buf = append(buf, `":"`...)
		buf = append(buf, value...)
		buf = append(buf, '"')
	})
	if err != nil {
		return nil, err
	}
	return append(buf, '}'), nil
}

// JSONFields is the block's legacy JSON object, the one owner of its shape:
// it calls put with each member's key and value in the node's order (its
// serialize_json), every value a string:
//
//	state:   type account previous representative balance link link_as_account signature work
//	send:    type previous destination balance work signature
//	receive: type previous source work signature
//	open:    type source representative account work signature
//	change:  type previous representative work signature
//
// Hashes, keys and signatures are uppercase hex, accounts nano_ addresses,
// work 16 lowercase hex digits. A state balance is decimal; a legacy send
// balance is 32 hex digits, as the node writes it. No value needs escaping
// in JSON. MarshalJSON writes these members as JSON text; the RPC's and the
// WebSocket's property trees put them into a tree. A block of an unknown
// type is an error, before put is called.
func (b *Block) JSONFields(put func(key, value string)) error {
	switch b.Type {
	case BlockTypeState:
		put("type", b.Type.String())
		put("account", b.Account.Account())
		put("previous", b.Previous.String())
		put("representative", b.Representative.Account())
		put("balance", b.Balance.String())
		put("link", b.Link.String())
		put("link_as_account", b.LinkAsAccount())
		put("signature", b.Signature.String())
		put("work", FormatWork(b.Work))
		return nil
	case BlockTypeSend:
		put("type", b.Type.String())
		put("previous", b.Previous.String())
		put("destination", b.Destination.Account())
		put("balance", b.Balance.Hex())
	case BlockTypeReceive:
		put("type", b.Type.String())
		put("previous", b.Previous.String())
		put("source", b.Source.String())
	case BlockTypeOpen:
		put("type", b.Type.String())
		put("source", b.Source.String())
		put("representative", b.Representative.Account())
		put("account", b.Account.Account())
	case BlockTypeChange:
		put("type", b.Type.String())
		put("previous", b.Previous.String())
		put("representative", b.Representative.Account())
	default:
		return fmt.Errorf("nano: cannot encode a block of type %d", b.Type)
	}
	// The legacy blocks end with work before signature.
	put("work", FormatWork(b.Work))
	put("signature", b.Signature.String())
	return nil
}

// UnmarshalJSON decodes a block as ParseBlockJSON does.
func (b *Block) UnmarshalJSON(data []byte) error {
	v, err := ParseBlockJSON(data)
	if err != nil {
		return err
	}
	*b = *v
	return nil
}

// ParseBlockJSON parses a block given as a JSON object, or as a JSON string
// whose content is that object (the node's process action with
// json_block=false). It reads the object as the node's property tree does:
// scalars of any JSON type are taken as their text, a nested object or array
// as an empty string, and of repeated keys the first wins. Then it parses
// the fields as ParseBlockFields. Malformed JSON yields an error matching
// ErrInvalidBlock.
func ParseBlockJSON(data []byte) (*Block, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var inner string
		if err := json.Unmarshal(data, &inner); err != nil {
			return nil, fmt.Errorf("nano: block JSON string: %v: %w", err, ErrInvalidBlock)
		}
		data = []byte(inner)
	}
	fields, err := decodeFlatObject(data)
	if err != nil {
		return nil, fmt.Errorf("nano: block JSON: %v: %w", err, ErrInvalidBlock)
	}
	return ParseBlockMap(fields)
}

// decodeFlatObject reads a JSON object into a map of its members' texts.
func decodeFlatObject(data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	fields := make(map[string]string, 10)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // the decoder only yields string keys in an object
		if tok, err = dec.Token(); err != nil {
			return nil, err
		}
		var value string
		switch v := tok.(type) {
		case json.Delim: // '{' or '[': skip the whole value
			if err := skipComposite(dec); err != nil {
				return nil, err
			}
		case string:
			value = v
		case json.Number:
			value = v.String()
		case bool:
			value = "false"
			if v {
				value = "true"
			}
		case nil:
			value = "null"
		}
		if _, seen := fields[key]; !seen {
			fields[key] = value
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return fields, nil
}

// skipComposite consumes tokens until the object or array just opened closes.
func skipComposite(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// ParseBlockMap parses a block from its fields as strings, as ParseBlockFields.
func ParseBlockMap(fields map[string]string) (*Block, error) {
	return ParseBlockFields(func(key string) (string, bool) {
		v, ok := fields[key]
		return v, ok
	})
}

// ParseBlockFields parses a block whose fields get returns by JSON key, the
// way the node's deserialize_block_json does: "type" picks the fields to
// read, each must be present, and each is decoded as the node decodes it:
//
//	account, representative, destination: an address (ParseAccount)
//	previous, source:                      1 to 64 hex digits (ParseHash)
//	link:                                  an address, else 1 to 64 hex digits
//	balance:                               decimal (state), 1 to 32 hex digits (send)
//	signature:                             1 to 128 hex digits
//	work:                                  1 to 16 hex digits
//
// Other keys, link_as_account among them, are ignored. The error is a
// *BlockFieldError naming the first bad field; it matches ErrInvalidBlock,
// the node's answer for any such block, and the field's own sentinel.
func ParseBlockFields(get func(key string) (string, bool)) (*Block, error) {
	p := fieldParser{get: get}
	typeName, ok := get("type")
	if !ok {
		return nil, &BlockFieldError{Field: "type", Missing: true, Err: ErrInvalidBlockType}
	}
	var b Block
	b.Type, ok = ParseBlockType(typeName)
	if !ok {
		return nil, &BlockFieldError{Field: "type", Err: ErrInvalidBlockType}
	}
	switch b.Type {
	case BlockTypeState:
		p.account("account", &b.Account, ErrBadAccount)
		p.hash("previous", &b.Previous, ErrBadPrevious)
		p.account("representative", &b.Representative, ErrBadRepresentative)
		p.amount("balance", &b.Balance, ParseAmount)
		p.link(&b.Link)
	case BlockTypeSend:
		p.hash("previous", &b.Previous, ErrBadPrevious)
		p.account("destination", &b.Destination, ErrBadDestination)
		p.amount("balance", &b.Balance, ParseAmountHex)
	case BlockTypeReceive:
		p.hash("previous", &b.Previous, ErrBadPrevious)
		p.hash("source", &b.Source, ErrBadSource)
	case BlockTypeOpen:
		p.hash("source", &b.Source, ErrBadSource)
		p.account("representative", &b.Representative, ErrBadRepresentative)
		p.account("account", &b.Account, ErrBadAccount)
	case BlockTypeChange:
		p.hash("previous", &b.Previous, ErrBadPrevious)
		p.account("representative", &b.Representative, ErrBadRepresentative)
	}
	p.work(&b.Work)
	p.signature(&b.Signature)
	if p.err != nil {
		return nil, p.err
	}
	return &b, nil
}

// fieldParser decodes fields one after another and keeps the first error.
type fieldParser struct {
	get func(string) (string, bool)
	err error
}

// text returns the field's text, or false after recording why not.
func (p *fieldParser) text(key string, sentinel error) (string, bool) {
	if p.err != nil {
		return "", false
	}
	s, ok := p.get(key)
	if !ok {
		p.err = &BlockFieldError{Field: key, Missing: true, Err: sentinel}
	}
	return s, ok
}

func (p *fieldParser) fail(key string, sentinel error) {
	p.err = &BlockFieldError{Field: key, Err: sentinel}
}

func (p *fieldParser) account(key string, dst *PublicKey, sentinel error) {
	if s, ok := p.text(key, sentinel); ok {
		k, err := ParseAccount(s)
		if err != nil {
			p.fail(key, sentinel)
			return
		}
		*dst = k
	}
}

func (p *fieldParser) hash(key string, dst *Hash, sentinel error) {
	if s, ok := p.text(key, sentinel); ok {
		if !decodeHexNumber(dst[:], s) {
			p.fail(key, sentinel)
		}
	}
}

func (p *fieldParser) amount(key string, dst *Amount, parse func(string) (Amount, error)) {
	if s, ok := p.text(key, ErrBadBalance); ok {
		a, err := parse(s)
		if err != nil {
			p.fail(key, ErrBadBalance)
			return
		}
		*dst = a
	}
}

// link reads a state block's link as an address, or failing that as hex.
func (p *fieldParser) link(dst *Hash) {
	if s, ok := p.text("link", ErrBadLink); ok {
		if k, err := ParseAccount(s); err == nil {
			*dst = Hash(k)
		} else if !decodeHexNumber(dst[:], s) {
			p.fail("link", ErrBadLink)
		}
	}
}

func (p *fieldParser) work(dst *uint64) {
	if s, ok := p.text("work", ErrBadWork); ok {
		w, err := ParseWork(s)
		if err != nil {
			p.fail("work", ErrBadWork)
			return
		}
		*dst = w
	}
}

func (p *fieldParser) signature(dst *Signature) {
	if s, ok := p.text("signature", ErrBadSignature); ok {
		if !decodeHexNumber(dst[:], s) {
			p.fail("signature", ErrBadSignature)
		}
	}
}
