package fieldtable

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Embed lifts the computed fields of an element table E into a table of T
// that holds one E, so a singular data source states its chosen item's
// attributes at the top level without declaring them a second time. get
// returns the item and is called only when the state is written, after a
// successful read. rename maps an element field's name to its name in T;
// fields named in skip are left out.
func Embed[T, E any](elem *Object[E], get func(*T) *E, rename map[string]string, skip ...string) []Field[T] {
	skipped := map[string]bool{}
	for _, s := range skip {
		if elem.index(s) < 0 {
			panic(fmt.Sprintf("%s has no field %q to skip", elem.name, s))
		}
		skipped[s] = true
	}
	for from := range rename {
		if elem.index(from) < 0 {
			panic(fmt.Sprintf("%s has no field %q to rename", elem.name, from))
		}
	}
	out := make([]Field[T], 0, len(elem.fields))
	for i := range elem.fields {
		f := elem.fields[i]
		if skipped[f.name] {
			continue
		}
		lifted := Field[T]{name: f.name, kind: f.kind, desc: f.desc}
		if n, ok := rename[f.name]; ok {
			lifted.name = n
		}
		switch f.kind {
		case kindString:
			lifted.str = func(v *T) string { return f.str(get(v)) }
		case kindNullString:
			lifted.optStr = func(v *T) (string, bool) { return f.optStr(get(v)) }
		case kindTime, kindNullTime:
			lifted.at = func(v *T) time.Time { return f.at(get(v)) }
		case kindInt64:
			lifted.i64 = func(v *T) int64 { return f.i64(get(v)) }
		case kindBool:
			lifted.b = func(v *T) bool { return f.b(get(v)) }
		case kindNested:
			lifted.nestedAttr = f.nestedAttr
			lifted.nested = func(ctx context.Context, e *encoder, v *T, nulls Set) { f.nested(ctx, e, get(v), nulls) }
			lifted.value = func(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error) {
				return f.value(ctx, get(v), nulls, typ)
			}
		default:
			panic(fmt.Sprintf("%s: field %q is an argument and cannot be embedded", elem.name, f.name))
		}
		out = append(out, lifted)
	}
	return out
}
