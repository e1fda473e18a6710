//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/passcheck/passcheck/dcc"
)

// The verify path of the ES module goes through these WebAssembly exports
// rather than syscall/js functions: a js.FuncOf call costs about 20 µs in
// V8 (a switch to the event goroutine and a dozen calls back into
// JavaScript to read its arguments), an export well under 1 µs, and a verify
// makes two of them. Data crosses through the module's memory:
//
//	pc_input(n) → address of n bytes where JavaScript writes the pass text (UTF-8); 0 when n is too large
//	pc_output() → address of the answer of the last call below
//
//	pc_verify(session, n, hasAt, at)   → length of the Result's JSON (pure Go)
//	pc_prepare(session, n, hasAt, at)  → length of the answer: the final Result's JSON
//	                                     (it starts with "{"), or the line "ALG TOKEN TBSLEN SIGLEN
//	                                     HANDLE...\n" followed by the Sig_structure and the signature
//	pc_speculate(session, token, index)      → length of the Result's JSON if key index verifies, or -1
//	pc_verifyPrepared(session, token, index) → length of the Result's JSON, trusting index (-1: none
//	                                           did; Go checks again), or -1 for a stale token
//
// at is milliseconds since 1970 when hasAt is not 0. Every answer that is
// an error is a Result with a stable code, as from syscall/js; a panic
// becomes INTERNAL_ERROR.

var (
	input  []byte // the text of the next call
	output []byte // the answer of the last call
)

// maxInput bounds pc_input: a text longer than dcc.MaxInputLen bytes is
// refused by Decode anyway; JavaScript sends those through syscall/js.
const maxInput = 3*dcc.MaxInputLen + 16

//go:wasmexport pc_input
func pcInput(n uint32) uint32 {
	if n > maxInput {
		return 0
	}
	if cap(input) < int(n) || cap(input) == 0 {
		input = make([]byte, max(n, 1024))
	}
	input = input[:n]
	return addr(input)
}

//go:wasmexport pc_output
func pcOutput() uint32 { return addr(output) }

func addr(b []byte) uint32 {
	if cap(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

//go:wasmexport pc_verify
func pcVerify(sess, n, hasAt uint32, at float64) (ret int32) {
	defer answerPanic(&ret)
	s, t, when, now, bad := callArgs(sess, n, hasAt, at)
	if bad != nil {
		return answer(appendResult(output[:0], bad))
	}
	return answer(appendResult(output[:0], s.check(t, when, now)))
}

//go:wasmexport pc_prepare
func pcPrepare(sess, n, hasAt uint32, at float64) (ret int32) {
	defer answerPanic(&ret)
	s, t, when, now, bad := callArgs(sess, n, hasAt, at)
	if bad != nil {
		return answer(appendResult(output[:0], bad))
	}
	p, r := s.prepare(t, when, now)
	if r != nil {
		return answer(appendResult(output[:0], r))
	}
	b := output[:0]
	if p.Alg == dcc.AlgPS256 {
		b = append(b, "PS256"...)
	} else {
		b = append(b, "ES256"...)
	}
	b = append(b, ' ')
	b = strconv.AppendUint(b, p.Token, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(p.ToBeSigned)), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(p.Signature)), 10)
	for _, h := range p.Handles {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(h), 10)
	}
	b = append(b, '\n')
	b = append(b, p.ToBeSigned...)
	b = append(b, p.Signature...)
	return answer(b)
}

//go:wasmexport pc_speculate
func pcSpeculate(sess uint32, token float64, index int32) (ret int32) {
	defer answerPanic(&ret)
	return preparedAnswer(sess, token, index, (*session).speculate)
}

//go:wasmexport pc_verifyPrepared
func pcVerifyPrepared(sess uint32, token float64, index int32) (ret int32) {
	defer answerPanic(&ret)
	return preparedAnswer(sess, token, index, (*session).verifyPrepared)
}

// preparedAnswer answers pc_speculate and pc_verifyPrepared: the Result that f
// gives for the session's prepared pass, or -1 when there is none for these
// arguments.
func preparedAnswer(sess uint32, token float64, index int32, f func(*session, uint64, int) *dcc.Result) int32 {
	s := sessionByID(sess)
	if s == nil || !(token >= 0 && token <= 1<<53) { // NaN too
		return -1
	}
	r := f(s, uint64(token), int(index))
	if r == nil {
		return -1
	}
	return answer(appendResult(output[:0], r))
}

func sessionByID(id uint32) *session {
	return sessions[int(id)]
}

// callArgs reads the arguments of pc_verify and pc_prepare.
func callArgs(sess, n, hasAt uint32, at float64) (s *session, text string, when, now time.Time, bad *dcc.Result) {
	now = time.Now()
	if s = sessionByID(sess); s == nil {
		return nil, "", now, now, errResult(dcc.InputInvalid, "no session "+strconv.FormatUint(uint64(sess), 10))
	}
	if int64(n) > int64(len(input)) {
		return nil, "", now, now, errResult(dcc.InputInvalid, "the text is longer than the input buffer")
	}
	text, when = string(input[:n]), now
	if hasAt != 0 {
		if when, bad = clockMillis(at); bad != nil {
			return nil, "", now, now, bad
		}
	}
	return s, text, when, now, nil
}

// answer keeps b as the output and returns its length.
func answer(b []byte) int32 {
	output = b
	return int32(len(b))
}

// answerPanic turns a panic into an INTERNAL_ERROR Result as the answer.
func answerPanic(ret *int32) {
	if r := recover(); r != nil {
		*ret = answer(appendResult(nil, errResult(dcc.InternalError, fmt.Sprintf("the verifier hit a bug: %v", r))))
	}
}

// errResult is a Result holding one error of code, one of dcc's, with
// detail for logs.
func errResult(code dcc.Code, detail string) *dcc.Result {
	return dcc.ErrorResult(dcc.NewMessage(code, detail))
}

// clockMillis reads a validation clock in milliseconds since the epoch:
// years 1 to 9999, the range of RFC 3339; an error Result otherwise.
func clockMillis(ms float64) (time.Time, *dcc.Result) {
	if math.IsNaN(ms) || ms < -62135596800000 || ms > 253402300799999 {
		return time.Time{}, errResult(dcc.InputInvalid, "the clock is not a date between the years 1 and 9999")
	}
	return time.UnixMilli(int64(ms)).UTC(), nil
}
