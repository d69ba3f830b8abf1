package provider

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// stateEncoder writes a data source's state straight to msgpack, the form
// Terraform receives it in, with the msgpack library terraform-plugin-go
// itself uses. Going through the framework's attr.Values instead costs
// seconds and hundreds of MiB at 10,000 items (per-value conversions, path
// lookups and copies); this costs one pass. Objects are maps keyed by
// attribute name; tests decode the result with tftypes against the schema.
type stateEncoder struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error
}

func newStateEncoder(sizeHint int) *stateEncoder {
	e := &stateEncoder{}
	e.buf.Grow(sizeHint)
	e.enc = msgpack.NewEncoder(&e.buf)
	return e
}

func (e *stateEncoder) keep(err error) {
	if e.err == nil && err != nil {
		e.err = err
	}
}

// object starts an object of n attributes; write n key/value pairs next.
func (e *stateEncoder) object(n int) { e.keep(e.enc.EncodeMapLen(n)) }

// list starts a list of n elements.
func (e *stateEncoder) list(n int) { e.keep(e.enc.EncodeArrayLen(n)) }

func (e *stateEncoder) str(key, v string) {
	e.keep(e.enc.EncodeString(key))
	e.keep(e.enc.EncodeString(v))
}

// strOrNull writes null when null is true.
func (e *stateEncoder) strOrNull(key, v string, null bool) {
	if null {
		e.null(key)
		return
	}
	e.str(key, v)
}

func (e *stateEncoder) int(key string, v int64) {
	e.keep(e.enc.EncodeString(key))
	e.keep(e.enc.EncodeInt(v))
}

func (e *stateEncoder) bool(key string, v bool) {
	e.keep(e.enc.EncodeString(key))
	e.keep(e.enc.EncodeBool(v))
}

func (e *stateEncoder) null(key string) {
	e.keep(e.enc.EncodeString(key))
	e.keep(e.enc.EncodeNil())
}

// key writes an attribute name whose value (an object or a list) follows.
func (e *stateEncoder) key(k string) { e.keep(e.enc.EncodeString(k)) }

// echo copies attributes of the configuration into the state unchanged,
// as Terraform requires of arguments.
func (e *stateEncoder) echo(config tftypes.Value, names ...string) {
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		e.keep(err)
		return
	}
	for _, name := range names {
		v, ok := attrs[name]
		if !ok {
			e.keep(fmt.Errorf("configuration has no attribute %q", name))
			return
		}
		dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
		e.keep(err)
		e.key(name)
		e.keep(e.enc.Encode(msgpack.RawMessage(dv.MsgPack)))
	}
}

func (e *stateEncoder) bytes() ([]byte, error) { return e.buf.Bytes(), e.err }
