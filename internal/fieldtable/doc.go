// Package fieldtable declares each object of a data source's state once,
// as a table of fields with typed getters, and derives everything else
// from that table: the schema (Object.Schema), the decoding of the
// configuration's arguments (Object.DecodeArguments), the timeouts
// (Object.ReadTimeouts) and the state, written straight to msgpack
// (Object.State). An attribute is added in one line and can never be in
// the schema and not the state, or the other way round.
//
// A table is a package-level variable built once by New, which panics on a
// table that cannot be right (two fields of one name, too many fields):
//
//	var imageObject = fieldtable.New("image",
//		fieldtable.String("name", "Image name.", func(i *Image) string { return i.Name }),
//		fieldtable.NullableTime("created", "Creation time.", func(i *Image) time.Time { return i.Created }),
//	)
//	var imagesTable = fieldtable.New("registry_images",
//		fieldtable.Argument("repository", schema.StringAttribute{Required: true}, func(s *state) *types.String { return &s.repo }),
//		fieldtable.List("images", "The images.", imageObject, func(s *state) []Image { return s.images }),
//		fieldtable.Timeouts(readTimeoutsBlock, func(s *state) *timeouts.Value { return &s.timeouts }),
//	)
//
// A list too large to hold can be written as it arrives (StreamedList:
// its length is patched in at the end).
//
// Writing the state costs one indirect call per attribute and no
// reflection: about a tenth of the CPU and memory of the framework's
// attr.Value path at 10,000 objects. NewServer answers Terraform's
// ReadDataSource with that state directly for every DataSource, and hands
// every other call to the framework's server; FrameworkRead serves the
// same state through the framework. Object.TFValue writes the state a
// second way, as a tftypes.Value, for tests to hold the msgpack to.
package fieldtable
