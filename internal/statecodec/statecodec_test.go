package statecodec

import (
	"bytes"
	"testing"

	_ "github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server" // registers tfplugin6's messages
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// message is a new message of tfplugin6's type name.
func message(t *testing.T, name string) protoreflect.Message {
	t.Helper()
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(name))
	if err != nil {
		t.Fatal(err)
	}
	return mt.New()
}

// response is a ReadDataSource answer with a state of n bytes of msgpack,
// json when given, and two diagnostics and a deferral when full.
func response(t *testing.T, n int, json string, full bool) protoreflect.Message {
	m := message(t, responseName)
	d := m.Descriptor().Fields()
	state := m.Mutable(d.ByName("state")).Message()
	msgpack := bytes.Repeat([]byte{0x81, 0xa1, 'a', 0x01}, n/4)
	state.Set(state.Descriptor().Fields().ByName("msgpack"), protoreflect.ValueOfBytes(msgpack))
	if json != "" {
		state.Set(state.Descriptor().Fields().ByName("json"), protoreflect.ValueOfBytes([]byte(json)))
	}
	if full {
		diags := m.Mutable(d.ByName("diagnostics")).List()
		for _, summary := range []string{"first", "second"} {
			diag := diags.NewElement()
			diag.Message().Set(diag.Message().Descriptor().Fields().ByName("summary"), protoreflect.ValueOfString(summary))
			diags.Append(diag)
		}
		deferred := m.Mutable(d.ByName("deferred")).Message()
		deferred.Set(deferred.Descriptor().Fields().ByName("reason"), protoreflect.ValueOfEnum(1))
	}
	return m
}

// roundTrip marshals m with the codec and decodes the bytes with the
// default codec's reading (proto.Unmarshal) into a new message.
func roundTrip(t *testing.T, m protoreflect.Message) (mem.BufferSlice, protoreflect.Message) {
	t.Helper()
	c := codec{encoding.GetCodecV2(protocodec.Name)}
	data, err := c.Marshal(m.Interface())
	if err != nil {
		t.Fatal(err)
	}
	got := m.Type().New()
	if err := proto.Unmarshal(data.Materialize(), got.Interface()); err != nil {
		t.Fatal(err)
	}
	return data, got
}

// TestLargeStateIsSentAsIs: a large state's answer decodes to the same
// message, diagnostics and deferral included, and its msgpack is the
// state's own buffer, not a copy.
func TestLargeStateIsSentAsIs(t *testing.T) {
	for _, full := range []bool{false, true} {
		m := response(t, 4<<20, "", full)
		data, got := roundTrip(t, m)
		if !proto.Equal(got.Interface(), m.Interface()) {
			t.Fatalf("full %v: decoded message differs", full)
		}
		state := m.Get(m.Descriptor().Fields().ByName("state")).Message()
		msgpack := state.Get(state.Descriptor().Fields().ByName("msgpack")).Bytes()
		if len(data) != 2 || &data[1].ReadOnlyData()[0] != &msgpack[0] {
			t.Fatalf("full %v: %d buffers; want 2, the second the state's own msgpack", full, len(data))
		}
	}
}

// TestOtherMessagesGoToTheDefaultCodec: a small state, a state that also
// has JSON, and any other message are marshalled by the default codec.
func TestOtherMessagesGoToTheDefaultCodec(t *testing.T) {
	other := message(t, "tfplugin6.ReadResource.Response")
	for name, m := range map[string]protoreflect.Message{
		"small state":   response(t, MinState-4, "", true),
		"state as json": response(t, 4<<20, `{"a":1}`, false),
		"other message": other,
	} {
		data, got := roundTrip(t, m)
		want, err := encoding.GetCodecV2(protocodec.Name).Marshal(m.Interface())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data.Materialize(), want.Materialize()) || !proto.Equal(got.Interface(), m.Interface()) {
			t.Errorf("%s: not what the default codec writes", name)
		}
	}
}
