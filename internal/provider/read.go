package provider

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
)

// The skeleton every read shares. A data source's ReadState is
//
//	var s state
//	ctx, client, cancel, diags := openRead(ctx, config, table, &s, d.providerData().<cloud>)
//	defer cancel()
//	if diags.HasError() { return nil, diags }
//	… list with client, then matching, sortNewestFirst and listingID …
//	return encodeState(ctx, table, &s, sizeHint, diags)
//
// so that it holds only what is particular to its cloud: the call, its
// hints, which name the regex matches and which time orders the list.

// openRead decodes the configuration into s's arguments through the
// object's field table, then starts the read on c (see startRead) with
// s's timeouts. The CancelFunc is never nil; call it when done.
func openRead[S any, C comparable](ctx context.Context, config tftypes.Value, obj *fieldtable.Object[S], s *S, c cloud[C]) (context.Context, C, context.CancelFunc, diag.Diagnostics) {
	diags := obj.DecodeArguments(ctx, config, s)
	if diags.HasError() {
		var none C
		return ctx, none, func() {}, diags
	}
	ctx, cancel, sdiags := startRead(ctx, obj.ReadTimeouts(s), c)
	diags.Append(sdiags...)
	return ctx, c.client, cancel, diags
}

// encodeState writes s through the object's field table: the state of the
// read, or a provider-bug diagnostic naming the object that came out wrong.
// sizeHint is the expected size in bytes.
func encodeState[S any](ctx context.Context, obj *fieldtable.Object[S], s *S, sizeHint int, diags diag.Diagnostics) ([]byte, diag.Diagnostics) {
	return encodeStateNulls(ctx, obj, s, 0, sizeHint, diags)
}

// encodeStateNulls is encodeState with the fields in nulls written as null.
func encodeStateNulls[S any](ctx context.Context, obj *fieldtable.Object[S], s *S, nulls fieldtable.Set, sizeHint int, diags diag.Diagnostics) ([]byte, diag.Diagnostics) {
	state, err := obj.State(ctx, s, nulls, sizeHint)
	if err != nil {
		diags.AddError("Cannot encode state", "This is a bug in the provider; please report it: "+err.Error())
		return nil, diags
	}
	return state, diags
}

// matching keeps the items whose name matches pattern, an RE2 expression
// the schema validated at plan time; all of them when pattern is null.
func matching[E any](items []E, pattern types.String, name func(*E) string) []E {
	if pattern.IsNull() {
		return items
	}
	re := regexp.MustCompile(pattern.ValueString()) // validated at plan time
	kept := items[:0]
	for i := range items { // by index: a pointer to a copy would move every item to the heap
		if re.MatchString(name(&items[i])) {
			kept = append(kept, items[i])
		}
	}
	clear(items[len(kept):])
	return kept
}

// sortNewestFirst orders items by at, newest first, then by tieBreak, so
// that an unchanged listing always yields the same list.
func sortNewestFirst[E any](items []E, at func(*E) time.Time, tieBreak func(*E) string) {
	// By index, not slices.SortFunc: its comparison gets copies, and
	// passing their address to at would move two to the heap per comparison.
	sort.Slice(items, func(i, j int) bool {
		a, b := &items[i], &items[j]
		if c := at(b).Compare(at(a)); c != 0 {
			return c < 0
		}
		return tieBreak(a) < tieBreak(b)
	})
}

// idFilter is one "key=value" of an id's query; left out unless set.
type idFilter struct {
	key, value string
	set        bool
}

// ifSet is the argument's filter when it is not null (even if empty).
func ifSet(key string, v types.String) idFilter {
	return idFilter{key: key, value: v.ValueString(), set: !v.IsNull()}
}

// ifNotEmpty is the argument's filter when it is neither null nor "":
// for server-side filters, where "" selects what no filter does.
func ifNotEmpty(key string, v types.String) idFilter {
	return idFilter{key: key, value: v.ValueString(), set: v.ValueString() != ""}
}

// ifTrue is "key=true" when the argument is true.
func ifTrue(key string, v types.Bool) idFilter {
	return idFilter{key: key, value: "true", set: v.ValueBool()}
}

// listingID is base followed by "?k=v&…" for each filter that is set, in
// the order given: derived from the arguments only, so it does not change
// when the listing does.
func listingID(base string, filters ...idFilter) string {
	var b strings.Builder
	b.WriteString(base)
	sep := byte('?')
	for _, f := range filters {
		if !f.set {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(f.key)
		b.WriteByte('=')
		b.WriteString(f.value)
		sep = '&'
	}
	return b.String()
}
