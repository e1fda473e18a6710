package qrdecode

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// bitReader reads big-endian bit fields from the data codewords.
type bitReader struct {
	data []byte
	pos  int // in bits
}

func (r *bitReader) left() int { return 8*len(r.data) - r.pos }

// read returns the next n ≤ 24 bits; the caller checks left() first.
func (r *bitReader) read(n int) int {
	v := 0
	for i := 0; i < n; i++ {
		b := r.data[r.pos>>3] >> (7 - r.pos&7) & 1
		v = v<<1 | int(b)
		r.pos++
	}
	return v
}

// Mode indicators (§7.4.1, Table 2).
const (
	modeTerminator     = 0x0
	modeNumeric        = 0x1
	modeAlphanumeric   = 0x2
	modeStructured     = 0x3
	modeByte           = 0x4
	modeFNC1First      = 0x5
	modeECI            = 0x7
	modeKanji          = 0x8
	modeFNC1Second     = 0x9
	modeHanzi          = 0xD // GB/T 18284
	alphanumericTable  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	groupSeparator     = '\x1d'
	eciISO8859_1       = 3
	eciISO8859_1Legacy = 1 // ECI 000001 of the 2000 edition, the same set
	eciUTF8            = 26
	eciASCII           = 27
	eciASCIILegacy     = 170
)

// countBits is the width of the character count indicator (Table 3) for a
// mode: numeric, alphanumeric, byte, Kanji/Hanzi; versions 1–9, 10–26,
// 27–40.
func countBits(mode, version int) int {
	col := 0
	switch {
	case version >= 27:
		col = 2
	case version >= 10:
		col = 1
	}
	switch mode {
	case modeNumeric:
		return [3]int{10, 12, 14}[col]
	case modeAlphanumeric:
		return [3]int{9, 11, 13}[col]
	case modeByte:
		return [3]int{8, 16, 16}[col]
	default: // Kanji, Hanzi
		return [3]int{8, 10, 12}[col]
	}
}

// charset is how the bytes of byte segments become text.
type charset uint8

const (
	guess  charset = iota // no ECI: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1
	latin1                // ECI 1, 3
	utf8ECI
	ascii // ECI 27, 170: 7-bit; a high byte is read as ISO-8859-1
)

// parseSegments reads the data bit stream (§7.4) into text. Segments
// follow one another until the terminator or until fewer than 4 bits are
// left; what follows the terminator is padding.
func parseSegments(data []byte, version int) (string, error) {
	r := &bitReader{data: data}
	var out strings.Builder
	cs := guess
	fnc1 := false
	for r.left() >= 4 {
		mode := r.read(4)
		switch mode {
		case modeTerminator:
			return out.String(), nil
		case modeFNC1First:
			fnc1 = true
		case modeFNC1Second:
			// §7.4.8.3: an application indicator follows, two digits
			// (00–99) or a letter + 100; it precedes the data.
			if r.left() < 8 {
				return "", fmt.Errorf("%w: FNC1 without its application indicator", ErrData)
			}
			ai := r.read(8)
			switch {
			case ai < 100:
				fmt.Fprintf(&out, "%02d", ai)
			case ai >= 165 && ai <= 190 || ai >= 197 && ai <= 222:
				out.WriteByte(byte(ai - 100))
			default:
				return "", fmt.Errorf("%w: FNC1 application indicator %d", ErrData, ai)
			}
			fnc1 = true
		case modeStructured:
			// Symbol sequence and parity (§8): this symbol's part is
			// returned as it is.
			if r.left() < 16 {
				return "", fmt.Errorf("%w: structured append header cut short", ErrData)
			}
			r.read(16)
		case modeECI:
			v, err := readECI(r)
			if err != nil {
				return "", err
			}
			switch v {
			case eciISO8859_1, eciISO8859_1Legacy:
				cs = latin1
			case eciUTF8:
				cs = utf8ECI
			case eciASCII, eciASCIILegacy:
				cs = ascii
			default:
				return "", fmt.Errorf("%w: ECI %06d (only ISO-8859-1, UTF-8 and ASCII are read)", ErrUnsupported, v)
			}
		case modeNumeric, modeAlphanumeric, modeByte:
			nb := countBits(mode, version)
			if r.left() < nb {
				return "", fmt.Errorf("%w: character count cut short", ErrData)
			}
			count := r.read(nb)
			var err error
			switch mode {
			case modeNumeric:
				err = readNumeric(r, &out, count)
			case modeAlphanumeric:
				err = readAlphanumeric(r, &out, count, fnc1)
			default:
				err = readBytes(r, &out, count, cs)
			}
			if err != nil {
				return "", err
			}
		case modeKanji, modeHanzi:
			return "", ErrUnsupported
		default:
			return "", fmt.Errorf("%w: mode indicator %04b", ErrData, mode)
		}
	}
	return out.String(), nil
}

// readECI reads an ECI designator (§7.4.2.2): 1, 2 or 3 bytes, told apart
// by the leading bits 0, 10 and 110.
func readECI(r *bitReader) (int, error) {
	if r.left() < 8 {
		return 0, fmt.Errorf("%w: ECI designator cut short", ErrData)
	}
	b := r.read(8)
	switch {
	case b&0x80 == 0:
		return b, nil
	case b&0xC0 == 0x80 && r.left() >= 8:
		return (b&0x3F)<<8 | r.read(8), nil
	case b&0xE0 == 0xC0 && r.left() >= 16:
		return (b&0x1F)<<16 | r.read(16), nil
	}
	return 0, fmt.Errorf("%w: ECI designator", ErrData)
}

// readNumeric reads count digits: three in 10 bits, the last two in 7 or
// the last one in 4 (§7.4.3).
func readNumeric(r *bitReader, out *strings.Builder, count int) error {
	for count > 0 {
		n, width := min(count, 3), [4]int{0, 4, 7, 10}[min(count, 3)]
		if r.left() < width {
			return fmt.Errorf("%w: numeric segment cut short", ErrData)
		}
		v := r.read(width)
		if v >= [4]int{1, 10, 100, 1000}[n] {
			return fmt.Errorf("%w: %d digits with value %d", ErrData, n, v)
		}
		var digits [3]byte
		for i := n - 1; i >= 0; i-- {
			digits[i] = byte('0' + v%10)
			v /= 10
		}
		out.Write(digits[:n])
		count -= n
	}
	return nil
}

// readAlphanumeric reads count characters of the 45-character set: two in
// 11 bits (45·a + b), the last one in 6 (§7.4.4). Under FNC1, "%%" stands
// for "%" and a single "%" for the group separator GS (§7.4.8).
func readAlphanumeric(r *bitReader, out *strings.Builder, count int, fnc1 bool) error {
	var buf []byte
	for count > 0 {
		if count >= 2 {
			if r.left() < 11 {
				return fmt.Errorf("%w: alphanumeric segment cut short", ErrData)
			}
			v := r.read(11)
			if v >= 45*45 {
				return fmt.Errorf("%w: alphanumeric pair value %d", ErrData, v)
			}
			buf = append(buf, alphanumericTable[v/45], alphanumericTable[v%45])
			count -= 2
			continue
		}
		if r.left() < 6 {
			return fmt.Errorf("%w: alphanumeric segment cut short", ErrData)
		}
		v := r.read(6)
		if v >= 45 {
			return fmt.Errorf("%w: alphanumeric value %d", ErrData, v)
		}
		buf = append(buf, alphanumericTable[v])
		count--
	}
	if fnc1 {
		out2 := buf[:0]
		for i := 0; i < len(buf); i++ {
			switch {
			case buf[i] != '%':
				out2 = append(out2, buf[i])
			case i+1 < len(buf) && buf[i+1] == '%':
				out2 = append(out2, '%')
				i++
			default:
				out2 = append(out2, groupSeparator)
			}
		}
		buf = out2
	}
	out.Write(buf)
	return nil
}

// readBytes reads count 8-bit bytes (§7.4.5) and appends them as text in
// the character set that the last ECI named. Without an ECI the standard
// says ISO-8859-1, but many writers put UTF-8 there without saying so: as
// other readers do, bytes that are valid UTF-8 are taken as UTF-8, others
// as ISO-8859-1. Under ECI 26 the bytes are taken as they are (invalid
// UTF-8 stays invalid, for the caller to refuse).
func readBytes(r *bitReader, out *strings.Builder, count int, cs charset) error {
	if r.left() < 8*count {
		return fmt.Errorf("%w: byte segment of %d bytes, %d bits left", ErrData, count, r.left())
	}
	b := make([]byte, count)
	for i := range b {
		b[i] = byte(r.read(8))
	}
	if cs == utf8ECI || (cs == guess && utf8.Valid(b)) {
		out.Write(b)
		return nil
	}
	for _, c := range b {
		out.WriteRune(rune(c)) // ISO-8859-1 is the first 256 code points
	}
	return nil
}
