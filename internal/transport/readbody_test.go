package transport

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestReadLimited: a body is read whole, whatever its size and whether its
// length was announced; a body over the limit, or shorter than announced,
// is an error.
func TestReadLimited(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<17) // 2 MiB: several chunks
	for _, c := range []struct {
		name        string
		body        []byte
		size, limit int64
		err         error
	}{
		{"empty, announced", nil, 0, 10, nil},
		{"empty, chunked", nil, -1, 10, nil},
		{"small, announced", []byte("{}"), 2, 10, nil},
		{"small, chunked", []byte("{}"), -1, 10, nil},
		{"many chunks", big, -1, int64(len(big)), nil},
		{"exactly one chunk", big[:64<<10], -1, 1 << 20, nil},
		{"announced, large", big, int64(len(big)), int64(len(big)), nil},
		{"chunked over the limit", big, -1, int64(len(big)) - 1, ErrTooLarge},
		{"announced over the limit", big, int64(len(big)), 100, ErrTooLarge},
		{"shorter than announced", []byte("{}"), 5, 10, io.ErrUnexpectedEOF},
	} {
		got, err := readLimited(io.NopCloser(bytes.NewReader(c.body)), c.size, c.limit)
		switch {
		case c.err != nil && !errors.Is(err, c.err):
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		case c.err == nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err == nil && !bytes.Equal(got, c.body):
			t.Errorf("%s: read %d bytes, want %d (%q…)", c.name, len(got), len(c.body), strings.ToValidUTF8(string(got[:min(len(got), 16)]), "?"))
		}
	}
}
