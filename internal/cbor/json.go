package cbor

import (
	"encoding/base64"
	"math"
	"strconv"
	"unsafe"

	"github.com/passcheck/passcheck/internal/jsontext"
)

// AppendJSON appends the JSON text of the one data item in data, read as
// DecodeJSONAt reads the value at its path: text-keyed maps as objects (in
// the order of data), byte strings as their standard base64, tags as their
// content, NaN and infinities as null. It writes straight from the
// encoding, without building the tree: for data that DecodeJSONAt accepted
// (the raw value it returns), the same JSON, as far as a JSON parser can
// tell, as writing the tree DecodeJSONAt returns for it.
//
// It does not repeat two of DecodeJSONAt's checks, which that call made
// already: a duplicate map key is written twice, and invalid UTF-8 is
// written as U+FFFD. Its other checks and limits apply; on an error dst is
// returned as it was.
func AppendJSON(dst []byte, data []byte, lim Limits) ([]byte, error) {
	d := decoder{Reader: Reader{data: data, lim: lim}}
	out, err := d.appendJSON(dst, 1)
	if err != nil {
		return dst, err
	}
	if d.off != len(data) {
		return dst, ErrTrailing
	}
	return out, nil
}

func (d *decoder) appendJSON(b []byte, depth int) ([]byte, error) {
	major, info, arg, err := d.head()
	if err != nil {
		return b, err
	}
	switch major {
	case 0:
		if arg > math.MaxInt64 {
			return jsontext.AppendFloat(b, float64(arg)), nil
		}
		return strconv.AppendUint(b, arg, 10), nil
	case 1:
		if arg > math.MaxInt64 {
			return jsontext.AppendFloat(b, -1-float64(arg)), nil
		}
		return strconv.AppendInt(b, -1-int64(arg), 10), nil
	case 2, 3:
		s, err := d.str(major, info, arg)
		if err != nil {
			return b, err
		}
		if major == 2 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, s)
			return append(b, '"'), nil
		}
		return jsontext.AppendString(b, unsafe.String(unsafe.SliceData(s), len(s))), nil
	case 4:
		b = append(b, '[')
		err := d.each(info, arg, depth, false, func(i int) (err error) {
			if i > 0 {
				b = append(b, ',')
			}
			b, err = d.appendJSON(b, depth+1)
			return err
		})
		return append(b, ']'), err
	case 5:
		b = append(b, '{')
		err := d.each(info, arg, depth, true, func(i int) error {
			at := d.off
			m, ki, karg, err := d.head()
			if err != nil {
				return err
			}
			if m != 3 {
				d.off = at
				if _, err := d.item(depth + 1); err != nil {
					return err
				}
				if m == 0 || m == 1 {
					return &Error{Offset: at, Reason: "map key is not a text string"}
				}
				return &Error{Offset: at, Reason: "map key is neither an integer nor a text string"}
			}
			ks, err := d.str(m, ki, karg)
			if err != nil {
				return err
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = jsontext.AppendString(b, unsafe.String(unsafe.SliceData(ks), len(ks)))
			b = append(b, ':')
			b, err = d.appendJSON(b, depth+1)
			return err
		})
		return append(b, '}'), err
	case 6:
		if depth > d.lim.MaxDepth {
			return b, d.fail("nested too deeply")
		}
		return d.appendJSON(b, depth+1)
	default: // 7
		switch info {
		case 20:
			return append(b, "false"...), nil
		case 21:
			return append(b, "true"...), nil
		case 22, 23:
			return append(b, "null"...), nil
		case 25:
			return jsontext.AppendFloat(b, float16(uint16(arg))), nil
		case 26:
			return jsontext.AppendFloat(b, float64(math.Float32frombits(uint32(arg)))), nil
		case 27:
			return jsontext.AppendFloat(b, math.Float64frombits(arg)), nil
		case 31:
			return b, d.fail("unexpected break")
		}
		return b, d.fail("unsupported simple value")
	}
}
