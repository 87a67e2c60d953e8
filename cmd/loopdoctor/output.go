package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// writeError is a failure to write the output (exit status 4), told apart
// from the inputs' problems: the inputs were fine.
type writeError struct {
	name string // the file, or "standard output"
	err  error
}

func (e writeError) Error() string { return fmt.Sprintf("cannot write %s: %v", e.name, e.err) }
func (e writeError) Unwrap() error { return e.err }

// output is where a command's result goes: standard output, or a file that
// is replaced only once everything was written to a temporary file beside
// it, so a failed run never leaves a half-written or emptied report. It
// records the first write error, so a renderer's failure can be told
// apart from the disk's.
type output struct {
	name   string    // for messages
	w      io.Writer // standard output, or file
	file   *os.File  // nil for standard output
	tmp    string    // the temporary file renamed to target on commit; "" when writing in place
	target string    // path the temporary file replaces
	err    error     // the first write error
}

// openOutput opens the output named by -o ("" is standard output). A
// target that exists but is not a regular file (a device such as
// /dev/null, a pipe) is written in place: renaming over it would replace
// the device. A symbolic link is followed, so the file it points to is
// replaced and the link kept.
func openOutput(name string, stdout io.Writer) (*output, error) {
	if name == "" {
		return &output{name: "standard output", w: stdout}, nil
	}
	o := &output{name: name, target: name}
	info, err := os.Stat(name)
	switch {
	case err == nil && info.IsDir():
		return nil, writeError{name, errors.New("is a directory")}
	case err == nil && !info.Mode().IsRegular():
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return nil, writeError{name, unwrapPath(err)}
		}
		o.file, o.w = f, f
		return o, nil
	case err == nil:
		if o.target, err = filepath.EvalSymlinks(name); err != nil {
			return nil, writeError{name, unwrapPath(err)}
		}
	}
	f, err := createTemp(o.target)
	if err != nil {
		return nil, writeError{name, unwrapPath(err)}
	}
	if info != nil {
		// Keep an existing report's permissions; a new one gets the
		// umask's, as os.Create would give it.
		if err := f.Chmod(info.Mode().Perm()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, writeError{name, unwrapPath(err)}
		}
	}
	o.file, o.w, o.tmp = f, f, f.Name()
	return o, nil
}

// emit writes a command's result with write to the output named by -o
// ("" is standard output). When write fails the target is left as it was.
func emit(name string, stdout io.Writer, write func(io.Writer) error) error {
	out, err := openOutput(name, stdout)
	if err != nil {
		return err
	}
	if err := write(out); err != nil {
		out.abort()
		return out.failed(err)
	}
	return out.commit()
}

// createTemp creates a new file beside target, with the permissions
// os.Create gives (0666 less the umask); os.CreateTemp would give 0600.
func createTemp(target string) (*os.File, error) {
	dir, base := filepath.Split(target)
	for {
		name := filepath.Join(dir, fmt.Sprintf(".%s.%08x.tmp", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// unwrapPath drops the *PathError or *LinkError wrapper, whose message
// would name the temporary file instead of the output.
func unwrapPath(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}

func (o *output) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}

// failed turns a renderer's error into a writeError when a write failed,
// and leaves it alone otherwise.
func (o *output) failed(err error) error {
	if o.err != nil {
		return writeError{o.name, unwrapPath(o.err)}
	}
	return err
}

// commit finishes the output: the file is flushed to disk and renamed
// over the target. Close reports what a full disk may have deferred.
func (o *output) commit() error {
	if o.file == nil {
		return o.failed(nil)
	}
	if o.tmp != "" {
		if err := o.file.Sync(); err != nil {
			o.abort()
			return writeError{o.name, unwrapPath(err)}
		}
	}
	if err := o.file.Close(); err != nil {
		if o.tmp != "" {
			os.Remove(o.tmp)
		}
		return writeError{o.name, unwrapPath(err)}
	}
	if o.tmp == "" {
		return nil
	}
	if err := os.Rename(o.tmp, o.target); err != nil {
		os.Remove(o.tmp)
		return writeError{o.name, unwrapPath(err)}
	}
	return nil
}

// abort drops the output, leaving the target as it was.
func (o *output) abort() {
	if o.file == nil {
		return
	}
	o.file.Close()
	if o.tmp != "" {
		os.Remove(o.tmp)
	}
}
