// Package statecodec keeps gRPC from copying a large data source state
// before sending it.
//
// gRPC marshals each answer into one buffer of its size before writing
// it: for a ReadDataSource answer, a copy of the state (tens of megabytes
// for registry_swr_tags over 50,000 tags), beside the state itself, until
// it is sent. That copy was a third of the provider's peak memory and
// about a tenth of its CPU (the first touch of its pages). Register
// replaces gRPC's "proto" codec with one that, for a ReadDataSource answer
// whose state is 1 MiB or more, marshals every field but the state's
// msgpack as the default codec does and hands gRPC the msgpack itself as a
// second buffer, after the field header that wraps it: the same message
// on the wire, without the copy. Every other message goes to the default
// codec unchanged.
//
// The wire form relies on protobuf's rule that a message field given
// twice is merged, and that fields may come in any order: the answer is
// the other fields, then state { msgpack }. The tests decode what this
// codec writes with the default codec and compare.
package statecodec

import (
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto" // registers the default, which Register wraps
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// responseName is the answer whose state is sent without a copy: protocol
// 6's ReadDataSource.Response (tfplugin6.proto: state = 1, a DynamicValue
// whose msgpack = 1; diagnostics = 2; deferred = 3).
const responseName = "tfplugin6.ReadDataSource.Response"

// MinState is the size of state, in bytes, from which it is sent without
// a copy.
const MinState = 1 << 20

// Register installs the codec in gRPC's registry, in place of the default
// "proto" codec. Call it from an init function (gRPC's rule for codecs),
// before any gRPC server starts.
func Register() {
	encoding.RegisterCodecV2(codec{encoding.GetCodecV2(protocodec.Name)})
}

// codec is the default codec, except for Marshal of a large state.
type codec struct{ encoding.CodecV2 }

func (c codec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(proto.Message); ok {
		if data, ok, err := marshalLargeState(m.ProtoReflect()); ok {
			return data, err
		}
	}
	return c.CodecV2.Marshal(v)
}

// marshalLargeState is m on the wire as two buffers, the second the
// state's msgpack itself, when m is a ReadDataSource answer of a large
// state; ok is false for every other message, which the caller then
// marshals as usual. Anything unexpected in m (an unknown field, a field
// of another kind, JSON in the state) is left to the default codec too.
func marshalLargeState(m protoreflect.Message) (data mem.BufferSlice, ok bool, err error) {
	d := m.Descriptor()
	if d.FullName() != responseName || len(m.GetUnknown()) > 0 {
		return nil, false, nil
	}
	stateField := d.Fields().ByName("state")
	if stateField == nil || stateField.Kind() != protoreflect.MessageKind || stateField.IsList() || !m.Has(stateField) {
		return nil, false, nil
	}
	state := m.Get(stateField).Message()
	msgpackField := state.Descriptor().Fields().ByName("msgpack")
	if msgpackField == nil || msgpackField.Kind() != protoreflect.BytesKind || len(state.GetUnknown()) > 0 {
		return nil, false, nil
	}
	msgpack := state.Get(msgpackField).Bytes()
	if len(msgpack) < MinState {
		return nil, false, nil
	}
	// The state holds nothing but msgpack, and every other field of the
	// answer is a message or a list of them: each is marshalled apart.
	var head []byte
	state.Range(func(f protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		ok = f == msgpackField
		return ok
	})
	if !ok {
		return nil, false, nil
	}
	m.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case f == stateField:
		case f.Kind() != protoreflect.MessageKind || f.IsMap():
			ok = false
		case f.IsList():
			for i, l := 0, v.List(); i < l.Len() && err == nil; i++ {
				head, err = appendMessage(head, f.Number(), l.Get(i).Message())
			}
		default:
			head, err = appendMessage(head, f.Number(), v.Message())
		}
		return ok && err == nil
	})
	if !ok || err != nil {
		return nil, ok, err
	}
	// state { msgpack }: the headers, then the msgpack as it is.
	inner := protowire.AppendTag(nil, msgpackField.Number(), protowire.BytesType)
	inner = protowire.AppendVarint(inner, uint64(len(msgpack)))
	head = protowire.AppendTag(head, stateField.Number(), protowire.BytesType)
	head = protowire.AppendVarint(head, uint64(len(inner)+len(msgpack)))
	head = append(head, inner...)
	return mem.BufferSlice{mem.SliceBuffer(head), mem.SliceBuffer(msgpack)}, true, nil
}

// appendMessage appends field n holding message v.
func appendMessage(b []byte, n protowire.Number, v protoreflect.Message) ([]byte, error) {
	enc, err := proto.Marshal(v.Interface())
	if err != nil {
		return b, err
	}
	b = protowire.AppendTag(b, n, protowire.BytesType)
	return protowire.AppendBytes(b, enc), nil
}
