package provider

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
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
		e := newStateEncoder(0)
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
		e := newStateEncoder(0)
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
	newObject("registry_test", stringField("id", "", func(*item) string { return "" }), int64Field("id", "", func(*item) int64 { return 0 }))
}

// TestListingIDKeepsTheFiltersInOrder: only set filters, "?" then "&".
func TestListingIDKeepsTheFiltersInOrder(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{listingID("ns/web"), "ns/web"},
		{listingID("ns/web", ifSet("tag", types.StringNull()), ifTrue("include_manifest", types.BoolValue(false))), "ns/web"},
		{listingID("ns/web", ifSet("tag_regex", types.StringValue("")), ifTrue("include_manifest", types.BoolValue(true))),
			"ns/web?tag_regex=&include_manifest=true"},
		{listingID("ppio-images", ifNotEmpty("type", types.StringValue("")), ifNotEmpty("name", types.StringValue("torch")),
			ifSet("name_regex", types.StringValue("^t"))), "ppio-images?name=torch&name_regex=^t"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
