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

// prune copies the trie into a tree without the frames below minValue or
// deeper than maxDepth.
func (r *trieNode) prune(minValue float64, maxDepth, maxFrames int) *tree {
	t := &tree{scale: 1}
	var copyNode func(tn *trieNode, depth int) *node
	copyNode = func(tn *trieNode, depth int) *node {
		t.frames++
		n := &node{fn: tn.fn, value: tn.value, self: tn.self, scale: 1}
		for _, id := range slices.Sorted(maps.Keys(tn.kids)) {
			k := tn.kids[id]
			if depth >= maxDepth || k.value < minValue || t.frames >= maxFrames {
				t.overflow = t.overflow || t.frames >= maxFrames
				n.self += k.value
				t.pruned += k.value
				continue
			}
			n.kids = append(n.kids, copyNode(k, depth+1))
		}
		sortKids(n.kids)
		return n
	}
	t.root = copyNode(r, 0)
	return t
}
