package fieldtable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// encoder writes a data source's state straight to msgpack, the form
// Terraform receives it in, with the msgpack library terraform-plugin-go
// itself uses. Going through the framework's attr.Values instead costs
// seconds and hundreds of MiB at 10,000 items (per-value conversions, path
// lookups and copies); this costs one pass. Objects are maps keyed by
// attribute name, written by Object.encode from their field tables.
//
// Every object says how many attributes it will have; the encoder counts
// the keys actually written and, if an object got more or fewer, fails the
// read with an error naming the object instead of handing Terraform a
// state it would misread.
type encoder struct {
	buf  bytes.Buffer
	enc  *msgpack.Encoder
	err  error
	open []openObject // objects being written, innermost last
	tbuf []byte       // scratch for formatting times
}

// openObject is an object whose attributes are being written.
type openObject struct {
	name        string
	announced   int
	keysWritten int
}

// hugeStateSize is the size hint from which the encoder's buffer is
// advised to use huge pages (adviseHugePages).
const hugeStateSize = 16 << 20

func newEncoder(sizeHint int) *encoder {
	// A fresh slice, not buf.Grow: Grow clears the capacity it adds, which
	// for a state of tens of megabytes touches every page twice.
	buf := make([]byte, 0, sizeHint)
	if sizeHint >= hugeStateSize {
		adviseHugePages(buf[:cap(buf)])
	}
	e := &encoder{open: make([]openObject, 0, 4), tbuf: make([]byte, 0, 64), buf: *bytes.NewBuffer(buf)}
	e.enc = msgpack.NewEncoder(&e.buf) // bytes.Buffer: the encoder writes straight into buf
	return e
}

func (e *encoder) keep(err error) {
	if e.err == nil && err != nil {
		e.err = err
	}
}

// beginObject starts an object of n attributes: n keys, each followed by
// its value, then endObject.
func (e *encoder) beginObject(name string, n int) {
	e.open = append(e.open, openObject{name: name, announced: n})
	e.keep(e.enc.EncodeMapLen(n))
}

// endObject closes the innermost object, checking it got its keys.
func (e *encoder) endObject() {
	if len(e.open) == 0 {
		e.keep(errors.New("an object ended that never began"))
		return
	}
	o := e.open[len(e.open)-1]
	e.open = e.open[:len(e.open)-1]
	if o.keysWritten != o.announced {
		e.keep(fmt.Errorf("object %s announced %d attributes but got %d", o.name, o.announced, o.keysWritten))
	}
}

// key writes an attribute name, already msgpack-encoded, of the innermost
// object; its value follows.
func (e *encoder) key(encoded []byte) {
	if len(e.open) == 0 {
		e.keep(fmt.Errorf("attribute key %x outside any object", encoded))
		return
	}
	e.open[len(e.open)-1].keysWritten++
	e.buf.Write(encoded)
}

// list starts a list of n values.
func (e *encoder) list(n int) { e.keep(e.enc.EncodeArrayLen(n)) }

// openList starts a list whose length is not known yet, with msgpack's
// widest array header (array 32, which msgpack decoders read whatever the
// length: Terraform's, cty's and terraform-plugin-go's all decode it with
// vmihailenco/msgpack's DecodeArrayLen); closeList writes the length in.
// It returns where the header is.
func (e *encoder) openList() int {
	at := e.buf.Len()
	e.buf.Write([]byte{0xdd, 0, 0, 0, 0})
	return at
}

// closeList writes n, the count of values written since openList returned
// at, into that list's header.
func (e *encoder) closeList(at, n int) {
	if n < 0 || n > math.MaxUint32 {
		e.keep(fmt.Errorf("a list of %d values does not fit msgpack", n))
		return
	}
	binary.BigEndian.PutUint32(e.buf.Bytes()[at+1:at+5], uint32(n))
}

func (e *encoder) string(v string) { e.keep(e.enc.EncodeString(v)) }
func (e *encoder) int(v int64)     { e.keep(e.enc.EncodeInt(v)) }
func (e *encoder) bool(v bool)     { e.keep(e.enc.EncodeBool(v)) }
func (e *encoder) null()           { e.keep(e.enc.EncodeNil()) }

// time writes t as RFC 3339 in UTC, as apitime.Format does, "" for the
// zero time; formatted into scratch space instead of a new string each.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.string("")
		return
	}
	e.tbuf = t.UTC().AppendFormat(e.tbuf[:0], time.RFC3339)
	e.stringBytes(e.tbuf)
}

// stringBytes writes b as a msgpack string (not binary), with the header
// msgpack's own EncodeString would write.
func (e *encoder) stringBytes(b []byte) {
	switch n := len(b); {
	case n < 32:
		e.buf.WriteByte(0xa0 | byte(n)) // fixstr
	case n <= math.MaxUint8:
		e.buf.Write([]byte{0xd9, byte(n)}) // str 8
	case n <= math.MaxUint16:
		e.buf.Write([]byte{0xda, byte(n >> 8), byte(n)}) // str 16
	default:
		e.buf.Write([]byte{0xdb, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}) // str 32
	}
	e.buf.Write(b)
}

// raw writes a value already encoded as msgpack.
func (e *encoder) raw(v []byte) { e.buf.Write(v) }

// bytes is the state, or the first error met while writing it.
func (e *encoder) bytes() ([]byte, error) {
	if e.err == nil && len(e.open) > 0 {
		e.err = fmt.Errorf("object %s was never finished", e.open[len(e.open)-1].name)
	}
	return e.buf.Bytes(), e.err
}
