package fieldtable

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// fieldKind says which getter of a field is set and how its value is written.
type fieldKind uint8

const (
	kindString     fieldKind = iota // str; never null
	kindNullString                  // optStr; null when it says so
	kindInt64                       // i64
	kindBool                        // b
	kindTime                        // at, as RFC 3339 in UTC; "" for the zero time
	kindNullTime                    // at, as RFC 3339 in UTC; null for the zero time
	kindNested                      // nested: a list or a single object of another table
	kindArgument                    // an argument of the configuration, echoed into state
)

// Field is one attribute of an object of type T.
type Field[T any] struct {
	name string
	kind fieldKind
	desc string
	key  []byte // name, msgpack-encoded once

	str    func(*T) string
	optStr func(*T) (string, bool)
	i64    func(*T) int64
	b      func(*T) bool
	at     func(*T) time.Time

	// kindNested: the schema attribute, and the writer of the value with
	// the element fields to write as null (see NullsFrom).
	nestedAttr func(context.Context) schema.Attribute
	nested     func(ctx context.Context, e *encoder, v *T, nulls Set)
	nulls      func(*T) Set
	// value is what nested writes, as a tftypes.Value of the attribute's
	// type typ: for TFValue, the reference writer the tests hold the
	// encoder to.
	value func(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error)

	// kindArgument: its schema (an attribute or, for timeouts, a block),
	// how to set it from the configuration and how to echo it.
	argAttr  schema.Attribute
	argBlock func(context.Context) schema.Block
	decode   func(ctx context.Context, v *T, tv tftypes.Value) error
	echo     func(ctx context.Context, v *T) ([]byte, error)
	timeouts func(*T) timeouts.Value
}

// String is a computed string.
func String[T any](name, desc string, get func(*T) string) Field[T] {
	return Field[T]{name: name, kind: kindString, desc: desc, str: get}
}

// NullableString is a computed string, null when get returns false.
func NullableString[T any](name, desc string, get func(*T) (string, bool)) Field[T] {
	return Field[T]{name: name, kind: kindNullString, desc: desc, optStr: get}
}

// Given is get as a NullableString getter: null when the registry gave no
// value, absent or "", the provider's one rule (never "").
func Given[T any](get func(*T) string) func(*T) (string, bool) {
	return func(v *T) (string, bool) {
		s := get(v)
		return s, s != ""
	}
}

// Int64 is a computed number.
func Int64[T any](name, desc string, get func(*T) int64) Field[T] {
	return Field[T]{name: name, kind: kindInt64, desc: desc, i64: get}
}

// Bool is a computed bool.
func Bool[T any](name, desc string, get func(*T) bool) Field[T] {
	return Field[T]{name: name, kind: kindBool, desc: desc, b: get}
}

// Time is a computed time, RFC 3339 in UTC; the zero time is "".
func Time[T any](name, desc string, get func(*T) time.Time) Field[T] {
	return Field[T]{name: name, kind: kindTime, desc: desc, at: get}
}

// NullableTime is a computed time, RFC 3339 in UTC; the zero time is null.
func NullableTime[T any](name, desc string, get func(*T) time.Time) Field[T] {
	return Field[T]{name: name, kind: kindNullTime, desc: desc, at: get}
}

// List is a computed list of elem objects.
func List[T, E any](name, desc string, elem *Object[E], get func(*T) []E) Field[T] {
	return Field[T]{
		name: name, kind: kindNested, desc: desc,
		nestedAttr: func(ctx context.Context) schema.Attribute {
			return schema.ListNestedAttribute{Computed: true, MarkdownDescription: desc,
				NestedObject: schema.NestedAttributeObject{Attributes: elem.Attributes(ctx)}}
		},
		nested: func(ctx context.Context, e *encoder, v *T, nulls Set) {
			items := get(v)
			e.list(len(items))
			for i := range items {
				elem.encode(ctx, e, &items[i], nulls)
			}
		},
		value: func(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error) {
			lt, ok := typ.(tftypes.List)
			if !ok {
				return tftypes.Value{}, fmt.Errorf("%s: type %s is not a list", name, typ)
			}
			items := get(v)
			vals := make([]tftypes.Value, len(items))
			for i := range items {
				ev, err := elem.TFValue(ctx, &items[i], nulls, lt.ElementType)
				if err != nil {
					return tftypes.Value{}, err
				}
				vals[i] = ev
			}
			return tftypes.NewValue(typ, vals), nil
		},
	}
}

// StreamedList is a List whose elements each hands over one at a time, in
// order, instead of returning a slice: a listing written into state as it
// arrives and never held whole (registry_swr_tags over tens of thousands
// of tags). each stops when yield returns false. The list's length is
// written in when each returns (encoder.openList).
func StreamedList[T, E any](name, desc string, elem *Object[E], each func(v *T, yield func(*E) bool)) Field[T] {
	f := List(name, desc, elem, func(v *T) []E { // for value, TFValue's writer
		var all []E
		each(v, func(item *E) bool { all = append(all, *item); return true })
		return all
	})
	f.nested = func(ctx context.Context, e *encoder, v *T, nulls Set) {
		at, n := e.openList(), 0
		each(v, func(item *E) bool {
			elem.encode(ctx, e, item, nulls)
			n++
			return e.err == nil
		})
		e.closeList(at, n)
	}
	return f
}

// NullableList is a List written as null when get returns a nil
// slice (an empty one is still an empty list).
func NullableList[T, E any](name, desc string, elem *Object[E], get func(*T) []E) Field[T] {
	f := List(name, desc, elem, get)
	list := f.nested
	f.nested = func(ctx context.Context, e *encoder, v *T, nulls Set) {
		if get(v) == nil {
			e.null()
			return
		}
		list(ctx, e, v, nulls)
	}
	listValue := f.value
	f.value = func(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error) {
		if get(v) == nil {
			return tftypes.NewValue(typ, nil), nil
		}
		return listValue(ctx, v, nulls, typ)
	}
	return f
}

// Single is a computed elem object, null when get returns nil.
func Single[T, E any](name, desc string, elem *Object[E], get func(*T) *E) Field[T] {
	return Field[T]{
		name: name, kind: kindNested, desc: desc,
		nestedAttr: func(ctx context.Context) schema.Attribute {
			return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: desc, Attributes: elem.Attributes(ctx)}
		},
		nested: func(ctx context.Context, e *encoder, v *T, nulls Set) {
			if item := get(v); item != nil {
				elem.encode(ctx, e, item, nulls)
			} else {
				e.null()
			}
		},
		value: func(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error) {
			if item := get(v); item != nil {
				return elem.TFValue(ctx, item, nulls, typ)
			}
			return tftypes.NewValue(typ, nil), nil
		},
	}
}

// NullsFrom makes a list or object field write the element fields in
// nulls(v) as null: options of one read, such as include_manifest, that
// blank an attribute of every element.
func (f Field[T]) NullsFrom(nulls func(*T) Set) Field[T] {
	f.nulls = nulls
	return f
}

// Argument is an argument of the configuration (Required or Optional in
// a), decoded into *get(v) before the read and echoed into state
// unchanged, as Terraform requires.
func Argument[T any, V attr.Value](name string, a schema.Attribute, get func(*T) *V) Field[T] {
	return Field[T]{
		name: name, kind: kindArgument, argAttr: a,
		decode: decodeInto(name, a.GetType(), get),
		echo:   echoFrom(get),
	}
}

// ComputedFrom makes an Optional and Computed argument's state what the
// read found, value(v), when ok; otherwise the configured value, echoed.
func (f Field[T]) ComputedFrom(value func(v *T) (tftypes.Value, bool)) Field[T] {
	if f.kind != kindArgument {
		panic(fmt.Sprintf("field %q is not an argument", f.name))
	}
	configured := f.echo
	f.echo = func(ctx context.Context, v *T) ([]byte, error) {
		tv, ok := value(v)
		if !ok {
			return configured(ctx, v)
		}
		dv, err := tfprotov6.NewDynamicValue(tv.Type(), tv)
		return dv.MsgPack, err
	}
	return f
}

// Timeouts is the timeouts block, whose schema block returns; a read is
// bounded by its read duration (see Object.ReadTimeouts).
func Timeouts[T any](block func(context.Context) schema.Block, get func(*T) *timeouts.Value) Field[T] {
	return Field[T]{
		name: "timeouts", kind: kindArgument,
		argBlock: block,
		decode:   decodeInto("timeouts", timeouts.Block(context.Background()).Type(), get),
		echo:     echoFrom(get),
		timeouts: func(v *T) timeouts.Value { return *get(v) },
	}
}

func decodeInto[T any, V attr.Value](name string, t attr.Type, get func(*T) *V) func(context.Context, *T, tftypes.Value) error {
	return func(ctx context.Context, v *T, tv tftypes.Value) error {
		av, err := t.ValueFromTerraform(ctx, tv)
		if err != nil {
			return fmt.Errorf("argument %s: %w", name, err)
		}
		typed, ok := av.(V)
		if !ok {
			return fmt.Errorf("argument %s decodes to %T, not %T", name, av, *new(V))
		}
		*get(v) = typed
		return nil
	}
}

func echoFrom[T any, V attr.Value](get func(*T) *V) func(context.Context, *T) ([]byte, error) {
	return func(ctx context.Context, v *T) ([]byte, error) {
		tv, err := (*get(v)).ToTerraformValue(ctx)
		if err != nil {
			return nil, err
		}
		dv, err := tfprotov6.NewDynamicValue(tv.Type(), tv)
		return dv.MsgPack, err
	}
}

// Set is a set of an object's fields, by index.
type Set uint64

// Object is the field table of one object type: a data source's top level
// or an element of one of its lists.
type Object[T any] struct {
	name   string // names the object in provider-bug diagnostics
	fields []Field[T]
}

// New is the table of an object named name (as provider-bug diagnostics
// name it) with fields, in the order the state writes them. It checks the
// table once, when the package loads: a mistake in it is a programming
// error that every test run reports.
func New[T any](name string, fields ...Field[T]) *Object[T] {
	if len(fields) > 64 {
		panic(name + ": more than 64 fields do not fit a Set")
	}
	seen := map[string]bool{}
	for i := range fields {
		f := &fields[i]
		if f.name == "" || seen[f.name] {
			panic(fmt.Sprintf("%s: field %q is empty or declared twice", name, f.name))
		}
		seen[f.name] = true
		key, err := msgpack.Marshal(f.name)
		if err != nil {
			panic(err)
		}
		f.key = key
	}
	return &Object[T]{name: name, fields: fields}
}

// Named is the Set of the named fields.
func (o *Object[T]) Named(names ...string) Set {
	var s Set
	for _, n := range names {
		i := o.index(n)
		if i < 0 {
			panic(fmt.Sprintf("%s has no field %q", o.name, n))
		}
		s |= 1 << i
	}
	return s
}

// ComputedExcept is the Set of every computed field (not an
// argument) but the named ones.
func (o *Object[T]) ComputedExcept(names ...string) Set {
	keep := o.Named(names...)
	var s Set
	for i := range o.fields {
		if o.fields[i].kind != kindArgument && keep&(1<<i) == 0 {
			s |= 1 << i
		}
	}
	return s
}

func (o *Object[T]) index(name string) int {
	for i := range o.fields {
		if o.fields[i].name == name {
			return i
		}
	}
	return -1
}

// Attributes are the schema attributes of every field but blocks.
func (o *Object[T]) Attributes(ctx context.Context) map[string]schema.Attribute {
	attrs := make(map[string]schema.Attribute, len(o.fields))
	for i := range o.fields {
		f := &o.fields[i]
		switch f.kind {
		case kindString, kindNullString, kindTime, kindNullTime:
			attrs[f.name] = schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
		case kindInt64:
			attrs[f.name] = schema.Int64Attribute{Computed: true, MarkdownDescription: f.desc}
		case kindBool:
			attrs[f.name] = schema.BoolAttribute{Computed: true, MarkdownDescription: f.desc}
		case kindNested:
			attrs[f.name] = f.nestedAttr(ctx)
		case kindArgument:
			if f.argAttr != nil {
				attrs[f.name] = f.argAttr
			}
		}
	}
	return attrs
}

// blocks are the schema blocks (timeouts).
func (o *Object[T]) blocks(ctx context.Context) map[string]schema.Block {
	var blocks map[string]schema.Block
	for i := range o.fields {
		if f := &o.fields[i]; f.argBlock != nil {
			if blocks == nil {
				blocks = map[string]schema.Block{}
			}
			blocks[f.name] = f.argBlock(ctx)
		}
	}
	return blocks
}

// Schema is the data source schema of a top-level object.
func (o *Object[T]) Schema(ctx context.Context, desc string) schema.Schema {
	return schema.Schema{MarkdownDescription: desc, Attributes: o.Attributes(ctx), Blocks: o.blocks(ctx)}
}

// DecodeArguments sets v's arguments from the configuration, an object of
// the schema's type.
func (o *Object[T]) DecodeArguments(ctx context.Context, config tftypes.Value, v *T) diag.Diagnostics {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := config.As(&attrs); err != nil {
		diags.AddError("Cannot read configuration", "This is a bug in the provider; please report it: "+err.Error())
		return diags
	}
	for i := range o.fields {
		f := &o.fields[i]
		if f.decode == nil {
			continue
		}
		tv, ok := attrs[f.name]
		if !ok {
			diags.AddError("Cannot read configuration", fmt.Sprintf("This is a bug in the provider; please report it: %s has no argument %q.", o.name, f.name))
			continue
		}
		if err := f.decode(ctx, v, tv); err != nil {
			diags.AddError("Cannot read configuration", "This is a bug in the provider; please report it: "+err.Error())
		}
	}
	return diags
}

// ReadTimeouts is v's timeouts block; null when the object has none.
func (o *Object[T]) ReadTimeouts(v *T) timeouts.Value {
	for i := range o.fields {
		if f := &o.fields[i]; f.timeouts != nil {
			return f.timeouts(v)
		}
	}
	return timeouts.Value{}
}

// encode writes v as one object of len(o.fields) attributes; the fields
// in nulls are written as null.
func (o *Object[T]) encode(ctx context.Context, e *encoder, v *T, nulls Set) {
	e.beginObject(o.name, len(o.fields))
	for i := range o.fields {
		f := &o.fields[i]
		e.key(f.key)
		if nulls&(1<<i) != 0 {
			e.null()
			continue
		}
		switch f.kind {
		case kindString:
			e.string(f.str(v))
		case kindNullString:
			if s, ok := f.optStr(v); ok {
				e.string(s)
			} else {
				e.null()
			}
		case kindInt64:
			e.int(f.i64(v))
		case kindBool:
			e.bool(f.b(v))
		case kindTime:
			e.time(f.at(v))
		case kindNullTime:
			if t := f.at(v); t.IsZero() {
				e.null()
			} else {
				e.time(t)
			}
		case kindNested:
			var elemNulls Set
			if f.nulls != nil {
				elemNulls = f.nulls(v)
			}
			f.nested(ctx, e, v, elemNulls)
		case kindArgument:
			raw, err := f.echo(ctx, v)
			e.keep(err)
			e.raw(raw)
		}
	}
	e.endObject()
}

// TFValue is what State writes, built as a tftypes.Value of typ (the
// schema's type of the object) instead: a second writer of state, kept
// apart from the encoder's msgpack, that only the tests call, to hold the
// encoder to it (TestStateEqualsFrameworkStateSet). It shares the getters
// with encode, not how each kind becomes a value.
func (o *Object[T]) TFValue(ctx context.Context, v *T, nulls Set, typ tftypes.Type) (tftypes.Value, error) {
	ot, ok := typ.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("%s: type %s is not an object", o.name, typ)
	}
	if len(ot.AttributeTypes) != len(o.fields) {
		return tftypes.Value{}, fmt.Errorf("%s: %d fields, the type has %d attributes", o.name, len(o.fields), len(ot.AttributeTypes))
	}
	attrs := make(map[string]tftypes.Value, len(o.fields))
	for i := range o.fields {
		f := &o.fields[i]
		at, ok := ot.AttributeTypes[f.name]
		if !ok {
			return tftypes.Value{}, fmt.Errorf("%s: the type has no attribute %q", o.name, f.name)
		}
		var val any // nil: null
		switch {
		case nulls&(1<<i) != 0:
		case f.kind == kindString:
			val = f.str(v)
		case f.kind == kindNullString:
			if s, ok := f.optStr(v); ok {
				val = s
			}
		case f.kind == kindInt64:
			val = new(big.Float).SetInt64(f.i64(v))
		case f.kind == kindBool:
			val = f.b(v)
		case f.kind == kindTime, f.kind == kindNullTime:
			if t := f.at(v); !t.IsZero() {
				val = t.In(time.UTC).Format(time.RFC3339)
			} else if f.kind == kindTime {
				val = ""
			}
		case f.kind == kindNested && f.value == nil:
			return tftypes.Value{}, fmt.Errorf("%s: nested field %q has no value writer", o.name, f.name)
		case f.kind == kindNested:
			var elemNulls Set
			if f.nulls != nil {
				elemNulls = f.nulls(v)
			}
			nv, err := f.value(ctx, v, elemNulls, at)
			if err != nil {
				return tftypes.Value{}, err
			}
			attrs[f.name] = nv
			continue
		case f.kind == kindArgument:
			raw, err := f.echo(ctx, v)
			if err != nil {
				return tftypes.Value{}, err
			}
			av, err := (&tfprotov6.DynamicValue{MsgPack: raw}).Unmarshal(at)
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: argument %s: %w", o.name, f.name, err)
			}
			attrs[f.name] = av
			continue
		}
		attrs[f.name] = tftypes.NewValue(at, val)
	}
	return tftypes.NewValue(typ, attrs), nil
}

// State is v written as a data source's state: the msgpack of one object
// of the table, the fields in nulls written as null. sizeHint is the size
// expected, in bytes. An error is a bug in the table or its getters, and
// names the object that came out wrong.
func (o *Object[T]) State(ctx context.Context, v *T, nulls Set, sizeHint int) ([]byte, error) {
	e := newEncoder(sizeHint)
	o.encode(ctx, e, v, nulls)
	return e.bytes()
}
