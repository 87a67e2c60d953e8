package callgraph

// posIndex maps the columns of a long row to their positions in its
// terms: open addressing with linear probing over a power-of-two table,
// at most half full. The elimination asks it for every weight it updates
// in a hub's row; a Go map spent most of that time hashing and in its
// general machinery.
type posIndex struct {
	keys  []int32 // columns; free slots hold -1
	vals  []int32 // positions, parallel to keys
	shift uint    // 32 - log2(len(keys)), for the multiplicative hash
	n     int     // columns held
}

// newPosIndex returns an index with room for size columns.
func newPosIndex(size int) *posIndex {
	x := &posIndex{}
	x.alloc(size)
	return x
}

func (x *posIndex) alloc(size int) {
	slots, bits := 16, uint(4)
	for slots < 2*size {
		slots, bits = 2*slots, bits+1
	}
	x.keys, x.vals, x.shift, x.n = make([]int32, slots), make([]int32, slots), 32-bits, 0
	for i := range x.keys {
		x.keys[i] = -1
	}
}

// home is the slot where the probe for column j starts.
func (x *posIndex) home(j int32) int { return int(uint32(j) * 0x9E3779B1 >> x.shift) }

// slot returns where column j is, or the free slot where it would go.
func (x *posIndex) slot(j int32) int {
	mask := len(x.keys) - 1
	i := x.home(j)
	for x.keys[i] != j && x.keys[i] >= 0 {
		i = (i + 1) & mask
	}
	return i
}

// get returns the position of column j, or -1 when the row has none.
func (x *posIndex) get(j int32) int32 {
	if i := x.slot(j); x.keys[i] == j {
		return x.vals[i]
	}
	return -1
}

// set records that column j (j ≥ 0) is at position p.
func (x *posIndex) set(j, p int32) {
	i := x.slot(j)
	if x.keys[i] < 0 {
		if 2*(x.n+1) > len(x.keys) {
			x.grow()
			i = x.slot(j)
		}
		x.keys[i] = j
		x.n++
	}
	x.vals[i] = p
}

func (x *posIndex) grow() {
	keys, vals := x.keys, x.vals
	x.alloc(2 * x.n)
	for i, j := range keys {
		if j >= 0 {
			k := x.slot(j)
			x.keys[k], x.vals[k] = j, vals[i]
			x.n++
		}
	}
}

// remove forgets column j, which the index holds. The columns probed past
// j's slot move back into the hole, so no probe ever stops short of its
// column (backward-shift deletion).
func (x *posIndex) remove(j int32) {
	mask := len(x.keys) - 1
	hole := x.slot(j)
	for i := (hole + 1) & mask; x.keys[i] >= 0; i = (i + 1) & mask {
		// The column at i may fill the hole unless its home lies
		// cyclically after the hole, up to i.
		h := x.home(x.keys[i])
		if hole <= i && hole < h && h <= i || hole > i && (hole < h || h <= i) {
			continue
		}
		x.keys[hole], x.vals[hole] = x.keys[i], x.vals[i]
		hole = i
	}
	x.keys[hole] = -1
	x.n--
}
