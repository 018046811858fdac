package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

var lanes, eight, four, rot24, rot16 Mem

// consts declares the kernels' read-only data.
func consts() {
	lanes = GLOBL("lanes", RODATA|NOPTR) // 0..7: each lane's offset from the first nonce
	for i := range 8 {
		DATA(8*i, U64(uint64(i)))
	}
	eight = GLOBL("eight", RODATA|NOPTR)
	DATA(0, U64(8))
	four = GLOBL("four", RODATA|NOPTR)
	for i := range 4 {
		DATA(8*i, U64(4))
	}
	// VPSHUFB masks that rotate each 64-bit word right by 3 and 2 bytes.
	rot24 = byteRotation("rot24", 3)
	rot16 = byteRotation("rot16", 2)
}

func byteRotation(name string, by int) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := range 32 {
		DATA(i, U8(uint8(i&^7+(i+by)%8)))
	}
	return m
}
