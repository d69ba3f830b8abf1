package transport

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
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
		hint        int
		err         error
	}{
		{"empty, announced", nil, 0, 10, 0, nil},
		{"empty, chunked", nil, -1, 10, 0, nil},
		{"small, announced", []byte("{}"), 2, 10, 0, nil},
		{"small, chunked", []byte("{}"), -1, 10, 0, nil},
		{"many chunks", big, -1, int64(len(big)), 0, nil},
		{"exactly one chunk", big[:64<<10], -1, 1 << 20, 0, nil},
		{"announced, large", big, int64(len(big)), int64(len(big)), 0, nil},
		{"chunked over the limit", big, -1, int64(len(big)) - 1, 0, ErrTooLarge},
		{"announced over the limit", big, int64(len(big)), 100, 0, ErrTooLarge},
		{"shorter than announced", []byte("{}"), 5, 10, 0, io.ErrUnexpectedEOF},
		{"chunked, hint right", big, -1, int64(len(big)), len(big), nil},
		{"chunked, hint too small: grows", big, -1, int64(len(big)), 1000, nil},
		{"chunked, hint too large", []byte("{}"), -1, 10, 1 << 20, nil},
		{"chunked, hint, over the limit", big, -1, int64(len(big)) - 1, len(big), ErrTooLarge},
		{"chunked, hint, empty", nil, -1, 10, 100, nil},
	} {
		got, err := readLimited(io.NopCloser(iotest.HalfReader(bytes.NewReader(c.body))), c.size, c.limit, c.hint)
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
