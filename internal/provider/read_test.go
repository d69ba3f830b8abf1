package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
