package qrdecode

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"
	zdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
)

var zlevels = [4]zdecoder.ErrorCorrectionLevel{
	zdecoder.ErrorCorrectionLevel_L, zdecoder.ErrorCorrectionLevel_M,
	zdecoder.ErrorCorrectionLevel_Q, zdecoder.ErrorCorrectionLevel_H,
}

// encode makes a code with gozxing's writer at the version, level and
// mask given.
func encode(t testing.TB, text string, version int, level Level, mask int, hints map[gozxing.EncodeHintType]any) Matrix {
	t.Helper()
	h := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_VERSION: version, gozxing.EncodeHintType_QR_MASK_PATTERN: mask}
	for k, v := range hints {
		h[k] = v
	}
	code, err := encoder.Encoder_encode(text, zlevels[level], h)
	if err != nil {
		t.Fatalf("gozxing cannot encode %d characters at %d-%v mask %d: %v", len(text), version, level, mask, err)
	}
	return fromByteMatrix(code.GetMatrix())
}

func fromByteMatrix(bm *encoder.ByteMatrix) Matrix {
	m := Matrix{Size: bm.GetWidth(), Dark: make([]bool, bm.GetWidth()*bm.GetHeight())}
	for y := 0; y < m.Size; y++ {
		for x := 0; x < m.Size; x++ {
			m.Dark[y*m.Size+x] = bm.Get(x, y) == 1
		}
	}
	return m
}

// zxingRead decodes m with gozxing's decoder.
func zxingRead(m Matrix) (string, error) {
	bm, _ := gozxing.NewSquareBitMatrix(m.Size)
	for i, d := range m.Dark {
		if d {
			bm.Set(i%m.Size, i/m.Size)
		}
	}
	r, err := zdecoder.NewDecoder().Decode(bm, nil)
	if err != nil {
		return "", err
	}
	return r.GetText(), nil
}

// dataBits is the number of data bits of a symbol.
func dataBits(version int, level Level) int {
	s := versions[version].blocks[level]
	n := 0
	for i := 0; i < s.blocks(); i++ {
		n += s.dataLen(i)
	}
	return 8 * n
}

// content returns a random text of the mode that fills most of the
// symbol: digits, the alphanumeric set, or UTF-8 text with multi-byte
// characters (byte mode).
func content(rng *rand.Rand, mode, version int, level Level) string {
	room := dataBits(version, level) - 4 - countBits(mode, version)
	var b strings.Builder
	switch mode {
	case modeNumeric:
		n := room * 3 / 10 * (70 + rng.IntN(30)) / 100
		for range max(1, n) {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
	case modeAlphanumeric:
		n := room * 2 / 11 * (70 + rng.IntN(30)) / 100
		for range max(2, n) {
			b.WriteByte(alphanumericTable[10+rng.IntN(35)]) // one letter at least: not numeric mode
		}
	default:
		n := room / 8 * (70 + rng.IntN(30)) / 100
		pieces := []string{"a", "z", "é", "€", "ß", "HC1:", " ", "\n", "Ω", "日"}
		b.WriteString("x") // never all alphanumeric
		for b.Len() < n-3 {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
	}
	return b.String()
}

// TestGozxingCodes is the differential test: codes that gozxing's writer
// makes, at every version and level, and at every version under every
// mask, are read by Decode with exactly the text written, and with the
// text gozxing's own decoder reads. The writer encodes each version and
// level once (its Reed–Solomon encoder is slow); its matrix builder then
// places the same codewords under the masks: all eight at one level per
// version (the level turns with the version), two at the others.
func TestGozxingCodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	modes := []int{modeNumeric, modeAlphanumeric, modeByte}
	n := 0
	for version := 1; version <= 40; version++ {
		for level := L; level <= H; level++ {
			mode := modes[(version+int(level))%3]
			text := content(rng, mode, version, level)
			m := encode(t, text, version, level, 0, nil)
			// The placed bits, for the matrix builder: the codewords as
			// read, and the remainder bits (0).
			var fp int
			for _, f := range functionPattern(version) {
				if !f {
					fp++
				}
			}
			placed := gozxing.NewEmptyBitArray()
			for _, c := range readCodewords(m, version, 0) {
				placed.AppendBits(int(c), 8)
			}
			placed.AppendBits(0, fp%8)
			zv, _ := zdecoder.Version_GetVersionForNumber(version)
			masks := []int{0, 1, 2, 3, 4, 5, 6, 7}
			if int(level) != version%4 {
				masks = []int{0, (version+2*int(level))%7 + 1}
			}
			for _, mask := range masks {
				if mask > 0 {
					bm := encoder.NewByteMatrix(m.Size, m.Size)
					if err := encoder.MatrixUtil_buildMatrix(placed, zlevels[level], zv, mask, bm); err != nil {
						t.Fatal(err)
					}
					m = fromByteMatrix(bm)
				}
				got, err := Decode(m)
				if err != nil {
					t.Fatalf("%d-%v mask %d mode %d: %v", version, level, mask, mode, err)
				}
				if got.Text != text || got.Version != version || got.Level != level || got.Mask != mask || got.Mirrored || got.Corrected != 0 {
					t.Fatalf("%d-%v mask %d: read %+v, want text %q", version, level, mask, got, text)
				}
				n++
				if mask != masks[len(masks)-1] {
					continue // gozxing's decoder is slow: one mask each
				}
				if zt, err := zxingRead(m); err != nil || zt != got.Text {
					// gozxing guesses the byte charset with a heuristic
					// that may take UTF-8 for Shift JIS; log, do not fail.
					if mode != modeByte {
						t.Fatalf("%d-%v mask %d: gozxing read %q, %v; we read %q", version, level, mask, zt, err, got.Text)
					}
					t.Logf("%d-%v mask %d: gozxing read %q, %v; the text is %q", version, level, mask, zt, err, text)
				}
			}
		}
	}
	if n != 40*(8+3*2) {
		t.Fatalf("%d codes, want %d", n, 40*(8+3*2))
	}
}

// TestErrorsCorrected flips random modules: up to the capacity of the
// weakest block, Decode reads the code and gozxing agrees; far beyond it,
// Decode fails or (never, here) reads the right text, but never a wrong
// one.
func TestErrorsCorrected(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for version := 1; version <= 40; version += 3 {
		for level := L; level <= H; level++ {
			text := content(rng, modeAlphanumeric, version, level)
			clean := encode(t, text, version, level, (version+int(level))%8, nil)
			spec := versions[version].blocks[level]
			capacity := (spec.ec() - misdecodeProtection(version, level)) / 2
			for trial := 0; trial < 2; trial++ {
				m := Matrix{Size: clean.Size, Dark: slices.Clone(clean.Dark)}
				// A flipped module spoils at most one codeword, so
				// capacity flips spoil at most capacity in any block.
				flipData(rng, m, version, capacity)
				got, err := Decode(m)
				if err != nil || got.Text != text {
					t.Fatalf("%d-%v with %d flipped modules: %q, %v", version, level, capacity, got.Text, err)
				}
				if got.Corrected == 0 || got.Corrected > capacity*spec.blocks() {
					t.Fatalf("%d-%v: %d codewords corrected for %d flipped modules", version, level, got.Corrected, capacity)
				}
				if trial == 0 {
					if zt, err := zxingRead(m); err != nil || zt != text {
						t.Fatalf("%d-%v: gozxing read %q, %v", version, level, zt, err)
					}
				}

				// Far beyond: a third of the data modules.
				m = Matrix{Size: clean.Size, Dark: slices.Clone(clean.Dark)}
				flipData(rng, m, version, 8*totalCodewords(version)/3)
				if got, err := Decode(m); err == nil && got.Text != text {
					t.Fatalf("%d-%v: a third of the modules flipped read as %q", version, level, got.Text)
				} else if err == nil {
					t.Fatalf("%d-%v: a third of the modules flipped still read", version, level)
				} else if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrData) {
					t.Fatalf("%d-%v: error %v, want ErrCorrupt", version, level, err)
				}
			}
		}
	}
}

// flipData inverts n distinct data modules of m (none of the function
// patterns, so that the format and version information stay readable).
func flipData(rng *rand.Rand, m Matrix, version, n int) {
	fp := functionPattern(version)
	var data []int
	for i, f := range fp {
		if !f {
			data = append(data, i)
		}
	}
	rng.Shuffle(len(data), func(i, j int) { data[i], data[j] = data[j], data[i] })
	for _, i := range data[:n] {
		m.Dark[i] = !m.Dark[i]
	}
}

// TestMirrored: the transpose of a code reads through the mirror path.
func TestMirrored(t *testing.T) {
	for _, version := range []int{1, 2, 6, 7, 13, 27, 40} {
		text := fmt.Sprintf("HC1:MIRRORED %d", version)
		m := encode(t, text, version, Q, version%8, nil).transpose()
		got, err := Decode(m)
		if err != nil || got.Text != text || !got.Mirrored {
			t.Errorf("version %d mirrored: %+v, %v", version, got, err)
		}
	}
}

// TestCharsets: ECI segments for UTF-8 and ISO-8859-1 as gozxing writes
// them; Kanji mode is refused.
func TestCharsets(t *testing.T) {
	for _, tc := range []struct {
		charset, text string
	}{
		{"UTF-8", "HC1:€ Ω ü 日本"},
		{"ISO-8859-1", "Ärzte café ½"},
	} {
		m := encode(t, tc.text, 5, M, 3, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: tc.charset})
		got, err := Decode(m)
		if err != nil || got.Text != tc.text {
			t.Errorf("%s: read %q, %v; want %q", tc.charset, got.Text, err, tc.text)
		}
	}
	m := encode(t, "漢字", 2, M, 1, map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: "Shift_JIS"})
	if zt, err := zxingRead(m); err != nil || zt != "漢字" {
		t.Fatalf("the Kanji test code is not what gozxing reads: %q, %v", zt, err)
	}
	if got, err := Decode(m); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Kanji: %q, %v; want ErrUnsupported", got.Text, err)
	}
}

// bitWriter builds bit streams for the segment tests.
type bitWriter struct {
	bits []bool
}

func (w *bitWriter) put(v, n int) *bitWriter {
	for i := n - 1; i >= 0; i-- {
		w.bits = append(w.bits, v>>i&1 == 1)
	}
	return w
}

func (w *bitWriter) bytes() []byte {
	out := make([]byte, (len(w.bits)+7)/8)
	for i, b := range w.bits {
		if b {
			out[i/8] |= 0x80 >> (i % 8)
		}
	}
	return out
}

func TestSegments(t *testing.T) {
	alnum := func(s string) []int {
		var out []int
		for _, c := range s {
			out = append(out, strings.IndexRune(alphanumericTable, c))
		}
		return out
	}
	hc1 := alnum("HC1:6B") // pairs
	pct := alnum("A%B%%")
	for _, tc := range []struct {
		name    string
		version int
		stream  *bitWriter
		want    string
		err     error
	}{
		{"numeric 3+2+1 digits", 1, new(bitWriter).put(1, 4).put(8, 10).put(12, 10).put(345, 10).put(67, 7).put(0, 4),
			"01234567", nil},
		{"numeric, one digit left", 1, new(bitWriter).put(1, 4).put(4, 10).put(999, 10).put(9, 4).put(0, 4), "9999", nil},
		{"alphanumeric", 1, new(bitWriter).put(2, 4).put(6, 9).put(hc1[0]*45+hc1[1], 11).put(hc1[2]*45+hc1[3], 11).put(hc1[4]*45+hc1[5], 11).put(0, 4),
			"HC1:6B", nil},
		{"alphanumeric odd", 10, new(bitWriter).put(2, 4).put(3, 11).put(10*45+11, 11).put(44, 6), "AB:", nil},
		{"byte UTF-8", 1, new(bitWriter).put(4, 4).put(3, 8).put(0xE2, 8).put(0x82, 8).put(0xAC, 8).put(0, 4), "€", nil},
		{"byte ISO-8859-1", 1, new(bitWriter).put(4, 4).put(2, 8).put('a', 8).put(0xE9, 8), "aé", nil},
		{"byte 16-bit count from version 10", 10, new(bitWriter).put(4, 4).put(1, 16).put('z', 8), "z", nil},
		{"ECI 26", 1, new(bitWriter).put(7, 4).put(26, 8).put(4, 4).put(2, 8).put(0xC3, 8).put(0xA9, 8), "é", nil},
		{"ECI 3, two-byte designator", 1, new(bitWriter).put(7, 4).put(0x8003, 16).put(4, 4).put(2, 8).put(0xC3, 8).put(0xA9, 8), "Ã©", nil},
		{"ECI 899 refused", 1, new(bitWriter).put(7, 4).put(0x8000|899, 16).put(4, 4).put(1, 8).put('a', 8), "", ErrUnsupported},
		{"mixed segments", 7, new(bitWriter).put(2, 4).put(4, 9).put(hc1[0]*45+hc1[1], 11).put(hc1[2]*45+hc1[3], 11).
			put(1, 4).put(2, 10).put(42, 7).put(4, 4).put(1, 8).put('x', 8).put(0, 4).put(0xEC11, 16), "HC1:42x", nil},
		{"no terminator, 3 bits left", 1, new(bitWriter).put(1, 4).put(1, 10).put(7, 4).put(0, 3), "7", nil},
		{"structured append", 1, new(bitWriter).put(3, 4).put(0x1234, 16).put(1, 4).put(1, 10).put(5, 4), "5", nil},
		{"FNC1 first: % is GS, %% is %", 1, new(bitWriter).put(5, 4).put(2, 4).put(5, 9).put(pct[0]*45+pct[1], 11).put(pct[2]*45+pct[3], 11).put(pct[4], 6),
			"A\x1dB%", nil},
		{"FNC1 second: application indicator", 1, new(bitWriter).put(9, 4).put(37, 8).put(1, 4).put(1, 10).put(1, 4), "371", nil},
		{"FNC1 second: letter", 1, new(bitWriter).put(9, 4).put('a'+100, 8).put(0, 4), "a", nil},
		{"empty", 1, new(bitWriter), "", nil},
		{"Kanji refused", 1, new(bitWriter).put(8, 4).put(1, 8).put(0, 13), "", ErrUnsupported},
		{"Hanzi refused", 1, new(bitWriter).put(0xD, 4).put(1, 4).put(1, 8).put(0, 13), "", ErrUnsupported},
		{"unknown mode", 1, new(bitWriter).put(6, 4).put(0, 12), "", ErrData},
		{"three digits ≥ 1000", 1, new(bitWriter).put(1, 4).put(3, 10).put(1000, 10), "", ErrData},
		{"two digits ≥ 100", 1, new(bitWriter).put(1, 4).put(2, 10).put(100, 7), "", ErrData},
		{"one digit ≥ 10", 1, new(bitWriter).put(1, 4).put(1, 10).put(10, 4), "", ErrData},
		{"alphanumeric pair ≥ 2025", 1, new(bitWriter).put(2, 4).put(2, 9).put(2025, 11), "", ErrData},
		{"alphanumeric single ≥ 45", 1, new(bitWriter).put(2, 4).put(1, 9).put(45, 6), "", ErrData},
		{"byte count past the end", 1, new(bitWriter).put(4, 4).put(200, 8).put('a', 8), "", ErrData},
		{"numeric count past the end", 1, new(bitWriter).put(1, 4).put(500, 10).put(1, 10), "", ErrData},
		{"count cut short", 10, new(bitWriter).put(4, 4).put(1, 8), "", ErrData},
		{"ECI cut short", 1, new(bitWriter).put(7, 4).put(1, 4), "", ErrData},
		{"ECI designator 111", 1, new(bitWriter).put(7, 4).put(0xE0, 8).put(0, 16), "", ErrData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSegments(tc.stream.bytes(), tc.version)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("read %q, %v; want error %v", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("read %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestAnnexI is the worked example of ISO/IEC 18004 Annex I: "01234567"
// as a 1-M symbol, its data and error correction codewords.
func TestAnnexI(t *testing.T) {
	block := []byte{
		0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
		0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55,
	}
	s := make([]byte, 10)
	if !syndromes(block, s) {
		t.Fatalf("the example's codewords have syndromes %x", s)
	}
	if text, err := parseSegments(block[:16], 1); err != nil || text != "01234567" {
		t.Fatalf("read %q, %v", text, err)
	}
	bad := slices.Clone(block)
	bad[0] ^= 0xFF
	bad[9] ^= 0x01
	bad[20] ^= 0x80
	bad[25] ^= 0x33
	if n, ok := correct(bad, 10, (10-misdecodeProtection(1, M))/2); !ok || n != 4 || !slices.Equal(bad, block) {
		t.Fatalf("4 errors in 1-M: corrected %d, %v", n, ok)
	}
}

// TestRSCapacity checks the Reed–Solomon decoder alone against gozxing's
// encoder for every block shape of Table 9: any t errors up to the
// capacity are corrected, at the positions where they were made.
func TestRSCapacity(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	enc := reedsolomon.NewReedSolomonEncoder(reedsolomon.GenericGF_QR_CODE_FIELD_256)
	seen := map[[2]int]bool{}
	for version := 1; version <= 40; version++ {
		for level := L; level <= H; level++ {
			s := versions[version].blocks[level]
			for _, data := range []int{s.d1(), s.dataLen(s.blocks() - 1)} {
				if seen[[2]int{data, s.ec()}] {
					continue
				}
				seen[[2]int{data, s.ec()}] = true
				capacity := (s.ec() - misdecodeProtection(version, level)) / 2
				words := make([]int, data+s.ec())
				for i := range data {
					words[i] = rng.IntN(256)
				}
				if err := enc.Encode(words, s.ec()); err != nil {
					t.Fatal(err)
				}
				clean := make([]byte, len(words))
				for i, w := range words {
					clean[i] = byte(w)
				}
				for e := 0; e <= capacity; e++ {
					b := slices.Clone(clean)
					for _, p := range rng.Perm(len(b))[:e] {
						b[p] ^= byte(1 + rng.IntN(255))
					}
					if n, ok := correct(b, s.ec(), capacity); !ok || n != e || !slices.Equal(b, clean) {
						t.Fatalf("%d+%d codewords, %d errors: corrected %d, %v", data, s.ec(), e, n, ok)
					}
				}
				b := slices.Clone(clean)
				for _, p := range rng.Perm(len(b))[:capacity+1] {
					b[p] ^= byte(1 + rng.IntN(255))
				}
				if n, ok := correct(b, s.ec(), capacity); ok {
					// Possible only by landing within reach of another
					// codeword; then it must be one.
					if !syndromes(b, make([]byte, s.ec())) {
						t.Fatalf("%d+%d: corrected %d into a non-codeword", data, s.ec(), n)
					}
				}
			}
		}
	}
}

// TestFunctionPattern: the data modules of every version hold exactly the
// codewords of Table 1 plus its remainder bits (0, 3, 4 or 7), the same
// count as gozxing's version table.
func TestFunctionPattern(t *testing.T) {
	for version := 1; version <= 40; version++ {
		n := 0
		for _, f := range functionPattern(version) {
			if !f {
				n++
			}
		}
		total := totalCodewords(version)
		if rem := n - 8*total; rem != 0 && rem != 3 && rem != 4 && rem != 7 {
			t.Errorf("version %d: %d data modules for %d codewords", version, n, total)
		}
		zv, _ := zdecoder.Version_GetVersionForNumber(version)
		if zv.GetTotalCodewords() != total {
			t.Errorf("version %d: %d codewords, gozxing %d", version, total, zv.GetTotalCodewords())
		}
	}
}

// bch returns the BCH remainder of data·x^(deg g) modulo the generator g.
func bch(data, g uint32) uint32 {
	deg := 31
	for g>>deg == 0 {
		deg--
	}
	v := data << deg
	for i := 31; i >= deg; i-- {
		if v>>i&1 == 1 {
			v ^= g << (i - deg)
		}
	}
	return v
}

// TestTables recomputes the format and version information codes
// (Annexes C and D) and compares the block table with gozxing's.
func TestTables(t *testing.T) {
	for i, c := range formatCodes {
		if want := uint16((uint32(i)<<10 | bch(uint32(i), 0x537)) ^ formatMask); c != want {
			t.Errorf("format code %d: %#x, want %#x", i, c, want)
		}
	}
	for i, c := range versionCodes {
		v := uint32(i + 7)
		if want := v<<12 | bch(v, 0x1F25); c != want {
			t.Errorf("version code %d: %#x, want %#x", v, c, want)
		}
	}
	for version := 1; version <= 40; version++ {
		zv, _ := zdecoder.Version_GetVersionForNumber(version)
		if got := AlignmentCenters(version); !slices.Equal(got, zv.GetAlignmentPatternCenters()) && !(len(got) == 0 && len(zv.GetAlignmentPatternCenters()) == 0) {
			t.Errorf("version %d: alignment %v, gozxing %v", version, got, zv.GetAlignmentPatternCenters())
		}
		for level := L; level <= H; level++ {
			s := versions[version].blocks[level]
			zb := zv.GetECBlocksForLevel(zlevels[level])
			var got, want [][2]int
			for i := 0; i < s.blocks(); i++ {
				got = append(got, [2]int{s.dataLen(i), s.ec()})
			}
			for _, b := range zb.GetECBlocks() {
				for range b.GetCount() {
					want = append(want, [2]int{b.GetDataCodewords(), zb.GetECCodewordsPerBlock()})
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%d-%v: blocks %v, gozxing %v", version, level, got, want)
			}
			if s.n2() > 0 && int(s[4]) != s.d1()+1 {
				t.Errorf("%d-%v: longer blocks of %d, shorter of %d", version, level, s[4], s.d1())
			}
			if s.total() != totalCodewords(version) {
				t.Errorf("%d-%v: %d codewords, version has %d", version, level, s.total(), totalCodewords(version))
			}
		}
	}
}

// TestVersionFromBits: every version code reads back, with up to 3 bits
// wrong, and a code 4 bits or more from all of them does not.
func TestVersionFromBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i, c := range versionCodes {
		for flips := 0; flips <= 3; flips++ {
			v := c
			for _, b := range rng.Perm(18)[:flips] {
				v ^= 1 << b
			}
			if got, ok := VersionFromBits(v); !ok || got != i+7 {
				t.Errorf("version %d with %d bits flipped: %d, %v", i+7, flips, got, ok)
			}
		}
	}
	if v, ok := VersionFromBits(0); ok {
		t.Errorf("all light reads as version %d", v)
	}
	a, b := VersionBlockModules(Dimension(7))
	if a[0] != [2]int{Dimension(7) - 9, 5} || b[17] != [2]int{0, Dimension(7) - 11} {
		t.Errorf("version block modules %v / %v", a, b)
	}
}

func TestBadSizes(t *testing.T) {
	for _, m := range []Matrix{
		{}, {Size: 20, Dark: make([]bool, 400)}, {Size: 22, Dark: make([]bool, 484)},
		{Size: 181, Dark: make([]bool, 181*181)}, {Size: 21, Dark: make([]bool, 20)}, {Size: -3},
	} {
		if _, err := Decode(m); !errors.Is(err, ErrSize) {
			t.Errorf("size %d with %d modules: %v, want ErrSize", m.Size, len(m.Dark), err)
		}
	}
	// Format information 4 bits or more from every sequence, masked or
	// not, in both copies.
	far := uint32(0)
	for v := uint32(0); v < 1<<15 && far == 0; v++ {
		ok := true
		for _, c := range formatCodes {
			if bits.OnesCount32(v^uint32(c)) < 4 || bits.OnesCount32(v^uint32(c)^formatMask) < 4 {
				ok = false
			}
		}
		if ok {
			far = v
		}
	}
	if far == 0 {
		t.Fatal("no 15-bit value is 4 bits from every format sequence")
	}
	m := encode(t, "HC1:FORMAT", 2, M, 2, nil)
	setFormat(m, far, far)
	if _, err := decode(m); !errors.Is(err, ErrFormat) {
		t.Errorf("format %015b: %v, want ErrFormat", far, err)
	}
	if r, err := Decode(m); err == nil { // the mirror reading fails later
		t.Errorf("format %015b: read %q", far, r.Text)
	}
	// One copy spoilt, the other intact: still read.
	m = encode(t, "HC1:FORMAT", 2, M, 2, nil)
	a, _ := formatBits(m)
	setFormat(m, a, far)
	if r, err := Decode(m); err != nil || r.Text != "HC1:FORMAT" {
		t.Errorf("one format copy intact: %q, %v", r.Text, err)
	}
}

// setFormat writes the two format information copies, in formatBits'
// order.
func setFormat(m Matrix, a, b uint32) {
	d := m.Size
	var pa, pb [][2]int
	for x := 0; x <= 5; x++ {
		pa = append(pa, [2]int{x, 8})
	}
	pa = append(pa, [2]int{7, 8}, [2]int{8, 8}, [2]int{8, 7})
	for y := 5; y >= 0; y-- {
		pa = append(pa, [2]int{8, y})
	}
	for y := d - 1; y >= d-7; y-- {
		pb = append(pb, [2]int{8, y})
	}
	for x := d - 8; x < d; x++ {
		pb = append(pb, [2]int{x, 8})
	}
	for i := 0; i < 15; i++ {
		m.Dark[pa[i][1]*d+pa[i][0]] = a>>(14-i)&1 == 1
		m.Dark[pb[i][1]*d+pb[i][0]] = b>>(14-i)&1 == 1
	}
}

// FuzzDecode: any module matrix decodes or fails with one of the package's
// errors, without a panic. The first byte picks the size, the rest are the
// modules, 8 a byte, repeated to fill the grid; the seeds are real codes.
func FuzzDecode(f *testing.F) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, version := range []int{1, 2, 7, 10, 20, 27} {
		m := encode(f, content(rng, modeAlphanumeric, version, Q), version, Q, version%8, nil)
		f.Add(packMatrix(m))
	}
	f.Add([]byte{0})
	f.Add([]byte{39, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		size := 21 + 4*(int(data[0])%40)
		m := Matrix{Size: size, Dark: make([]bool, size*size)}
		if bits := data[1:]; len(bits) > 0 {
			for i := range m.Dark {
				k := i % (8 * len(bits))
				m.Dark[i] = bits[k/8]>>(7-k%8)&1 == 1
			}
		}
		res, err := Decode(m)
		if err != nil && rank(err) < 0 {
			t.Fatalf("error %v is none of the package's", err)
		}
		if err == nil && (res.Version != (size-17)/4 || res.Level > H) {
			t.Fatalf("result %+v for size %d", res, size)
		}
	})
}

// packMatrix is the fuzz encoding of m: the version byte, then the modules.
func packMatrix(m Matrix) []byte {
	out := []byte{byte((m.Size - 21) / 4)}
	var cur byte
	for i, d := range m.Dark {
		cur <<= 1
		if d {
			cur |= 1
		}
		if i%8 == 7 {
			out = append(out, cur)
			cur = 0
		}
	}
	if len(m.Dark)%8 != 0 {
		out = append(out, cur<<(8-len(m.Dark)%8))
	}
	return out
}

// FuzzSegments feeds arbitrary data codewords to the segment parser.
func FuzzSegments(f *testing.F) {
	f.Add([]byte{0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11}, 1)
	f.Add([]byte{0x70, 0x1A, 0x40, 0x2C, 0x3A, 0x90}, 10)
	f.Add([]byte{0x40, 0xFF, 0xFF}, 40)
	f.Fuzz(func(t *testing.T, data []byte, version int) {
		version = 1 + (version%40+40)%40
		if _, err := parseSegments(data, version); err != nil && rank(err) < 0 {
			t.Fatalf("error %v is none of the package's", err)
		}
	})
}

// FuzzCorrect: any block and error correction length, no panic, and a
// block reported corrected is a codeword.
func FuzzCorrect(f *testing.F) {
	f.Add([]byte{0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
		0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55}, uint8(10))
	f.Fuzz(func(t *testing.T, block []byte, ec uint8) {
		if len(block) > 255 {
			return
		}
		e := int(ec % 31)
		if _, ok := correct(block, e, e/2); ok && e < len(block) && !syndromes(block, make([]byte, e)) {
			t.Fatal("corrected into a non-codeword")
		}
	})
}
