package analyze

import (
	"maps"
	"slices"

	"github.com/loopdoctor/loopdoctor/parse"
)

// trieNode is a node of the exact stack trie with its children by
// function ID.
type trieNode struct {
	fn          *parse.Func
	value, self float64
	kids        map[int]*trieNode
}

// mergeStacks merges recorded stacks into a trie under a synthetic root.
func mergeStacks(p *parse.Profile) *trieNode {
	root := &trieNode{}
	for _, s := range p.Stacks {
		n := root
		n.value += s.Value
		for _, id := range s.Funcs {
			k := n.kids[id]
			if k == nil {
				if n.kids == nil {
					n.kids = make(map[int]*trieNode)
				}
				k = &trieNode{fn: p.Funcs[id]}
				n.kids[id] = k
			}
			k.value += s.Value
			n = k
		}
		n.self += s.Value
	}
	return root
}

// copyTree copies the trie into a tree, the call paths c does not keep
// merged into "other" frames.
func (r *trieNode) copyTree(c cut) *tree {
	t := &tree{cut: c, scale: 1}
	var copyNode func(tn *trieNode, depth int) *node
	copyNode = func(tn *trieNode, depth int) *node {
		t.frames++
		n := &node{fn: tn.fn, value: tn.value, self: tn.self, scale: 1}
		for _, id := range slices.Sorted(maps.Keys(tn.kids)) {
			if k := tn.kids[id]; t.keeps(k.value, depth+1) {
				n.kids = append(n.kids, copyNode(k, depth+1))
			} else {
				t.merge(n, mergedPath{trie: k}, k.value, false)
			}
		}
		n.finish()
		return n
	}
	t.root = copyNode(r, 0)
	return t
}

// hide adds the value of each function in the trie below and at r to
// hidden, counting only the outermost frames of a function: those with no
// frame of the same function above them, here or on the path to r
// (onPath).
func (r *trieNode) hide(hidden []float64, onPath []int) {
	if onPath[r.fn.ID] == 0 {
		hidden[r.fn.ID] += r.value
	}
	onPath[r.fn.ID]++
	for _, k := range r.kids {
		k.hide(hidden, onPath)
	}
	onPath[r.fn.ID]--
}
