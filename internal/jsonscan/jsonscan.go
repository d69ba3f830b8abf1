// Package jsonscan reads JSON in one pass for decoders that keep only a
// few fields of a large document: it validates every byte exactly as
// encoding/json does (FuzzValid holds it to json.Valid), hands over keys
// and values as slices of the input where it can, and leaves what to keep
// to its caller. It exists for speed: encoding/json validates a document,
// then decodes it by reflection in a second pass, allocating every string.
//
// A Scanner stops at the first syntax error: Failed then reports it, and
// every method after it finds the end of the input, so that a caller's
// loops end without checking for errors at every step.
//
// (It lives under internal/tagkind because tagkind and swr share it; it
// knows nothing of either.)
package jsonscan

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is encoding/json's limit on nesting; deeper is a syntax error.
const MaxDepth = 10000

// Scanner reads one JSON document.
type Scanner struct {
	data   []byte
	pos    int
	depth  int
	fail   bool
	failAt int
}

// Reset starts reading data.
func (s *Scanner) Reset(data []byte) { *s = Scanner{data: data} }

// Failed says whether a syntax error has been found.
func (s *Scanner) Failed() bool { return s.fail }

// FailedAt is the offset at which the first syntax error was found.
func (s *Scanner) FailedAt() int { return s.failAt }

// Fail marks a syntax error and stops the scan.
func (s *Scanner) Fail() {
	if !s.fail {
		s.fail, s.failAt = true, s.pos
	}
	s.pos = len(s.data)
}

// Pos is the offset of the next byte to read.
func (s *Scanner) Pos() int { return s.pos }

// AtEnd says whether every byte has been read.
func (s *Scanner) AtEnd() bool { return s.pos >= len(s.data) }

// WS skips JSON whitespace.
func (s *Scanner) WS() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek is the next byte, 0 at the end: at the start of a value, the one
// that tells its type.
func (s *Scanner) Peek() byte {
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// Consume reads the byte c, which must be next, as a syntax error if not.
func (s *Scanner) Consume(c byte) {
	if s.Peek() != c {
		s.Fail()
		return
	}
	s.pos++
}

// Enter reads the '{' or '[' that Peek returned, one level deeper; Leave
// is called after the object or array ends.
func (s *Scanner) Enter() {
	s.pos++
	s.depth++
	if s.depth > MaxDepth {
		s.Fail()
	}
}

// Leave ends what Enter began.
func (s *Scanner) Leave() { s.depth-- }

// Member reads the next member of the object being read (after Enter), up
// to its value: its key, unescaped, and true; or false after the closing
// '}' or on a syntax error. first is true for the first call on an object.
// The key is valid until the next call.
func (s *Scanner) Member(first bool) (key []byte, ok bool) {
	s.WS()
	c := s.Peek()
	if c == '}' {
		s.pos++
		return nil, false
	}
	if !first {
		if c != ',' {
			s.Fail()
			return nil, false
		}
		s.pos++
		s.WS()
		c = s.Peek()
	}
	if c != '"' {
		s.Fail()
		return nil, false
	}
	key = s.Text()
	s.WS()
	s.Consume(':')
	s.WS()
	return key, !s.fail
}

// Element moves to the next element of the array being read (after
// Enter): true at its value, false after the closing ']' or on a syntax
// error. first is true for the first call on an array.
func (s *Scanner) Element(first bool) bool {
	s.WS()
	c := s.Peek()
	if c == ']' {
		s.pos++
		return false
	}
	if !first {
		if c != ',' {
			s.Fail()
			return false
		}
		s.pos++
		s.WS()
	}
	return !s.fail
}

// String reads a string and returns it as written, quotes included, and
// whether it is plain: without an escape, and UTF-8. A plain string's
// value is the bytes between its quotes.
func (s *Scanner) String() (lit []byte, plain bool) {
	start, d := s.pos, s.data
	i := start + 1
	plain, ascii := true, true
	for {
		i = skipPlain(d, i)
		if i >= len(d) {
			s.Fail()
			return nil, false
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			lit = d[start:s.pos]
			return lit, plain && (ascii || utf8.Valid(lit))
		case c == '\\':
			plain = false
			i++
			if i >= len(d) {
				s.Fail()
				return nil, false
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(d) || !isHex(d[i+1]) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) {
					s.Fail()
					return nil, false
				}
				i += 5
			default:
				s.Fail()
				return nil, false
			}
		case c < 0x20:
			s.Fail()
			return nil, false
		default: // not ASCII
			ascii = false
			i++
		}
	}
}

// Text reads a string and returns its value: in place for a plain string
// (nearly all), else unescaped into a new slice.
func (s *Scanner) Text() []byte {
	lit, plain := s.String()
	if s.fail {
		return nil
	}
	if plain {
		return lit[1 : len(lit)-1]
	}
	v, _ := AppendUnquoted(nil, lit) // String has checked it
	return v
}

// skipPlain skips, eight bytes at a time, the bytes from i on that can be
// inside a string as they are: ASCII, neither a control character, nor a
// quote, nor a backslash. It stops at (or a little before) the first
// other byte, which the caller then reads.
func skipPlain(d []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for i+8 <= len(d) {
		x := binary.LittleEndian.Uint64(d[i:])
		// A byte of v is zero where the byte of x is a quote (q) or a
		// backslash (b); (v - ones) &^ v has the high bit set in some
		// byte iff some byte of v is zero, and (x - 0x20 in every byte)
		// &^ x iff some byte of x is below 0x20. x itself has a high
		// bit set iff some byte is not ASCII.
		q, b := x^(ones*'"'), x^(ones*'\\')
		if ((q-ones)&^q|(b-ones)&^b|(x-ones*0x20)&^x|x)&highs != 0 {
			break
		}
		i += 8
	}
	for i < len(d) {
		if c := d[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	return i
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Number reads a number and returns it as written.
func (s *Scanner) Number() []byte {
	start, d := s.pos, s.data
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i = digits(d, i)
	default:
		s.Fail()
		return nil
	}
	if i < len(d) && d[i] == '.' {
		if i++; i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.Fail()
			return nil
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.Fail()
			return nil
		}
		i = digits(d, i)
	}
	s.pos = i
	return d[start:i]
}

func digits(d []byte, i int) int {
	for i < len(d) && '0' <= d[i] && d[i] <= '9' {
		i++
	}
	return i
}

// Literal reads true, false or null, whichever word is.
func (s *Scanner) Literal(word string) {
	end := s.pos + len(word)
	if end > len(s.data) || string(s.data[s.pos:end]) != word {
		s.Fail()
		return
	}
	s.pos = end
}

// Null reads the next value if it is null, and says whether it was.
func (s *Scanner) Null() bool {
	if s.Peek() != 'n' {
		return false
	}
	s.Literal("null")
	return true
}

// Bool reads true or false; ok is false, and nothing read, for any other
// value.
func (s *Scanner) Bool() (v, ok bool) {
	switch s.Peek() {
	case 't':
		s.Literal("true")
		return true, true
	case 'f':
		s.Literal("false")
		return false, true
	}
	return false, false
}

// Skip reads a value of any type, only to check that it is JSON.
func (s *Scanner) Skip() {
	switch s.Peek() {
	case '{':
		s.Enter()
		for first := true; ; first = false {
			if _, ok := s.Member(first); !ok {
				break
			}
			s.Skip()
		}
		s.Leave()
	case '[':
		s.Enter()
		for first := true; s.Element(first); first = false {
			s.Skip()
		}
		s.Leave()
	case '"':
		s.String()
	case 't':
		s.Literal("true")
	case 'f':
		s.Literal("false")
	case 'n':
		s.Literal("null")
	default:
		s.Number()
	}
}

// Raw reads a value of any type and returns it as written.
func (s *Scanner) Raw() []byte {
	start := s.pos
	s.Skip()
	if s.fail {
		return nil
	}
	return s.data[start:s.pos]
}

// ParseInt reads a number as encoding/json reads it into an int64 (with
// strconv.ParseInt): ok only for an integer in int64's range, so not for
// 2.0 or 1e2.
func ParseInt(lit []byte) (n int64, ok bool) {
	neg := len(lit) > 0 && lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	// JSON has no leading zeros, and int64 no more than 19 digits: 19
	// digits cannot overflow a uint64.
	if len(lit) == 0 || len(lit) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range lit {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // two's complement: -(1<<63) is MinInt64
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}

// Field is the index in names of the field key names, as encoding/json
// matches keys to fields: the name equal to key, else one equal under
// Unicode case folding ("MediaType", and "ſchemaVersion" with a long s);
// -1 for none. names must be distinct under folding, as a struct's JSON
// field names are.
func Field(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	// A key of ASCII only folds to a name of its own length; one with
	// other runes (K, ſ: at most 3 bytes for one ASCII letter) may not.
	ascii := true
	for _, c := range key {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for i, n := range names {
		if (len(key) == len(n) || !ascii && len(key) <= 3*len(n)) && strings.EqualFold(string(key), n) {
			return i
		}
	}
	return -1
}

// KeyIs says whether key names the field name, as Field matches them.
func KeyIs(key []byte, name string) bool { return Field(key, []string{name}) == 0 }

// AppendUnquoted appends the value of the JSON string literal lit (quotes
// included) to dst exactly as encoding/json decodes it into a string: the
// escapes resolved, a \u escape that is half a surrogate pair and every
// byte that is not UTF-8 replaced by U+FFFD (encoding/json's unquoteBytes,
// of which this is a copy that appends to a buffer it is given). ok is
// false when lit is not a string literal.
func AppendUnquoted(dst, lit []byte) (out []byte, ok bool) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return dst, false
	}
	s := lit[1 : len(lit)-1]
	for len(s) > 0 {
		i := skipPlain(s, 0) // a run of ASCII that reads as it is
		dst = append(dst, s[:i]...)
		s = s[i:]
		if len(s) == 0 {
			break
		}
		switch c := s[0]; {
		case c == '"' || c < ' ':
			return dst, false
		case c != '\\':
			// Not ASCII: a rune as it is, or U+FFFD for a byte that is
			// not UTF-8.
			r, size := utf8.DecodeRune(s)
			dst = utf8.AppendRune(dst, r)
			s = s[size:]
			continue
		}
		// An escape.
		if len(s) < 2 {
			return dst, false
		}
		switch s[1] {
		case '"', '\\', '/', '\'':
			dst = append(dst, s[1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := getu4(s)
			if r < 0 {
				return dst, false
			}
			s = s[6:]
			if utf16.IsSurrogate(r) {
				if dec := utf16.DecodeRune(r, getu4(s)); dec != utf8.RuneError {
					// A valid pair; consume.
					s = s[6:]
					dst = utf8.AppendRune(dst, dec)
					continue
				}
				// Invalid surrogate; fall back to replacement rune.
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, false
		}
		s = s[2:]
	}
	return dst, true
}

// getu4 decodes \uXXXX from the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}
