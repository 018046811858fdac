package nano

// RawPerNano is 10^30: the raw in one nano (historically Mnano, the node's
// nano::nano_ratio). The node's nano_to_raw and raw_to_nano RPCs convert by it.
var RawPerNano = Amount{hi: 0x0000000c9f2c9cd0, lo: 0x4674edea40000000}

// NanoToRaw returns nano*10^30 raw, or ErrAmountTooBig when that exceeds
// MaxAmount (above 340282366 nano). Amounts are whole nano: the node's
// nano_to_raw parses its "amount" with decode_dec, which takes no fraction.
// See NodeNanoToRaw for the node's exact, quirkier check.
func NanoToRaw(nano Amount) (Amount, error) {
	raw, ok := nano.Mul(RawPerNano)
	if !ok {
		return Amount{}, ErrAmountTooBig
	}
	return raw, nil
}

// NodeNanoToRaw reproduces the node's nano_to_raw RPC exactly: it multiplies
// modulo 2^128 and answers ErrAmountTooBig unless the wrapped product is
// greater than the input. So "0" is "Amount too big" there, and an input
// whose product wraps to something larger is answered with the wrapped value.
// Use it only where byte-for-byte agreement with the node is the point.
func NodeNanoToRaw(nano Amount) (Amount, error) {
	raw, _ := nano.mulWrapping(RawPerNano)
	if raw.Cmp(nano) <= 0 {
		return Amount{}, ErrAmountTooBig
	}
	return raw, nil
}

// RawToNano returns raw/10^30 rounded down, as the node's raw_to_nano RPC.
func RawToNano(raw Amount) Amount {
	n, _ := raw.Div(RawPerNano)
	return n
}
