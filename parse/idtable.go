package parse

// idTable finds the small integer ID of a thing by a hash of it: the
// pstats reader's strings by their text and functions by their keys. A
// dump names thousands of each, nearly all once, so most searches miss;
// a Go map spends two searches (lookup, then insert) in buckets of keys
// and values on each, where this table probes one array of 8-byte slots
// and compares things only when their hashes match.
//
// A slot holds hash<<32 | ID+1, or 0 if free. The table keeps a quarter
// of its slots free, so that probe runs stay short, and grows no larger
// than that, as the slots of a large dump's table outgrow the processor's
// nearer caches: most searches miss, and each waits for a slot's memory.
type idTable struct {
	slots []uint64
	n     int // IDs stored
}

// newIDTable returns a table with room for about n IDs.
func newIDTable(n int) *idTable {
	size := 16
	for 3*size < 4*n {
		size *= 2
	}
	return &idTable{slots: make([]uint64, size)}
}

// find returns the ID stored with hash h for which same holds, or -1.
func (t *idTable) find(h uint32, same func(id int32) bool) int32 {
	mask := len(t.slots) - 1
	for i := int(h) & mask; t.slots[i] != 0; i = (i + 1) & mask {
		if s := t.slots[i]; uint32(s>>32) == h && same(int32(uint32(s))-1) {
			return int32(uint32(s)) - 1
		}
	}
	return -1
}

// add stores id with hash h. It must not be stored yet.
func (t *idTable) add(h uint32, id int32) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow()
	}
	t.put(uint64(h)<<32 | uint64(uint32(id+1)))
	t.n++
}

// put stores a slot's content in the first free slot from its hash on.
func (t *idTable) put(s uint64) {
	mask := len(t.slots) - 1
	i := int(s>>32) & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}

// grow doubles the table; slots keep their hashes, so nothing is hashed
// again.
func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	for _, s := range old {
		if s != 0 {
			t.put(s)
		}
	}
}

// hashKey hashes a function key's three numbers (multiplying by odd
// constants and folding the high bits down).
func hashKey(k funcKey) uint32 {
	h := uint64(k.file)*0x9e3779b97f4a7c15 ^ uint64(k.name)*0xc2b2ae3d27d4eb4f ^ uint64(k.line)*0x165667b19e3779f9
	return uint32(h>>32) ^ uint32(h)
}
