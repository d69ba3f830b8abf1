package fieldtable

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/registry-tools/terraform-provider-registry/internal/apitime"
)

// TestStringBytesWritesWhatMsgpackWrites: the encoder writes formatted
// times with its own string header; it must be msgpack's, at every length
// where the header changes.
func TestStringBytesWritesWhatMsgpackWrites(t *testing.T) {
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536} {
		s := strings.Repeat("x", n)
		want, err := msgpack.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		e := newEncoder(0)
		e.stringBytes([]byte(s))
		if got, _ := e.bytes(); !bytes.Equal(got, want) {
			t.Errorf("length %d: got header % x, want % x", n, got[:min(len(got), 5)], want[:min(len(want), 5)])
		}
	}
}

// TestEncoderTimeIsAPITimeFormat: state times are apitime.Format's, in UTC.
func TestEncoderTimeIsAPITimeFormat(t *testing.T) {
	for _, at := range []time.Time{
		{},
		time.Date(2024, 2, 29, 23, 59, 59, 999, time.FixedZone("CST", 8*3600)),
		time.Unix(0, 0),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		want, err := msgpack.Marshal(apitime.Format(at))
		if err != nil {
			t.Fatal(err)
		}
		e := newEncoder(0)
		e.time(at)
		if got, _ := e.bytes(); !bytes.Equal(got, want) {
			t.Errorf("%v: got %q, want %q", at, got, want)
		}
	}
}

// TestNewObjectRefusesATableWithTwoFieldsOfOneName: the state would hold
// one of them, the schema the other.
func TestNewObjectRefusesATableWithTwoFieldsOfOneName(t *testing.T) {
	type item struct{}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), `"id"`) {
			t.Fatalf("want a panic naming the field, got %v", r)
		}
	}()
	New("registry_test", String("id", "", func(*item) string { return "" }), Int64("id", "", func(*item) int64 { return 0 }))
}

// TestEncoderNamesAnObjectWithTheWrongNumberOfAttributes: a writer that
// gives an object more or fewer attributes than it announced fails the read
// with a provider-bug diagnostic naming that object.
func TestEncoderNamesAnObjectWithTheWrongNumberOfAttributes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type item struct{}
	for _, c := range []struct {
		name string
		keys int
	}{{"fewer", 1}, {"more", 3}} {
		t.Run(c.name, func(t *testing.T) {
			broken := Field[item]{name: "broken", kind: kindNested, nested: func(_ context.Context, e *encoder, _ *item, _ Set) {
				e.beginObject("registry_test broken", 2)
				for i := range c.keys {
					e.key([]byte{0xa1, 'a' + byte(i)})
					e.string("x")
				}
				e.endObject()
			}}
			obj := New("registry_test", String("id", "", func(*item) string { return "x" }), broken)
			_, err := obj.State(ctx, &item{}, 0, 0)
			if err == nil || !strings.Contains(err.Error(), "object registry_test broken announced 2 attributes but got") {
				t.Fatalf("want an error naming the object, got %v", err)
			}
		})
	}
}
