// Package parse reads profile dumps into one call-graph model.
//
// It owns the first stage of loopdoctor's pipeline:
//
//  1. Sniff the format from the first bytes (never from the file name):
//     a Python marshal dict is a pstats dump, anything gzip or protobuf is
//     handed to the pprof reader.
//  2. Decode the file with the matching reader (Pstats or Pprof), each of
//     which records what the file says and nothing more.
//  3. Normalize the result into a Profile: functions sorted by file, name
//     and line (a function's ID is its index), edges sorted by caller and
//     callee, adjacency lists filled in, and Validate run once.
//
// Rankings, findings and stacks derived from a Profile belong to package
// analyze; nothing here interprets the numbers.
//
// docs/pstats-format.md describes the pstats format, the marshal encoding
// under it and the dialects this package recognises.
package parse
