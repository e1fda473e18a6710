// wedge.js: input from a barcode scanner that works as a keyboard ("keyboard
// wedge": USB or Bluetooth HID). Such a scanner types the QR text as
// keystrokes, usually followed by Enter. The page takes that input at any
// time, with no field focused, and tells it apart from a person typing:
//
//   - a scanner types much faster than a person: every key of the burst,
//     the final Enter included, arrives within maxGapMs of the one before
//     (scanners: 1–20 ms; fast typists: 60–150 ms between keys);
//   - the text starts with the prefix ("HC1:") and is at least minLength
//     characters long;
//   - it ends in a terminator key (Enter by default).
//
// A fast burst that ends in the terminator but does not start with the
// prefix is a scan that went wrong, almost always a scanner set to another
// keyboard layout than the computer's (a German layout types "HC1:" as
// "HC1Ö" and swaps Y and Z): it is reported (onUnrecognised), so that the
// page can say to check the scanner's layout, instead of nothing happening.
// A burst that reads as a web address ("https://…": a menu's QR code) is
// not a layout problem: it is handed on as a scan, and the verifier says it
// is not a health pass.
// A burst typed with Caps Lock on arrives with its case inverted ("hc1:…"):
// the prefix is matched without regard to case and the text is given back
// as the scanner meant it (an HC1 text has no lower-case letter: base45).
//
// Keys aimed at a text field (input, textarea, select, contenteditable) are
// left alone: there the person is typing, or the scanner fills the field as
// any keyboard would. Nothing is stored: the burst lives in memory until it
// is handed to onScan or dropped.
//
// The timing logic is in WedgeDecoder, which knows nothing of the DOM, so
// that it can be tested in Node (site/js/wedge.test.mjs); Wedge binds it to
// the document's keydown events.

/** The defaults; every one can be overridden in the options. */
export const WEDGE_DEFAULTS = Object.freeze({
  prefix: "HC1:",
  // 50 ms: slow Bluetooth scanners still send within 30 ms, and people
  // rarely type two keys within 50 ms, never hundreds in a row.
  maxGapMs: 50,
  minLength: 20,
  // A QR code holds at most 4,296 characters; the verifier caps the text too.
  maxLength: 8192,
  terminators: ["Enter"],
});

/**
 * WedgeDecoder turns a stream of key presses with their times into scans.
 * It is pure: feed it keys with key(), read what it returns.
 */
export class WedgeDecoder {
  constructor(options) {
    const o = { ...WEDGE_DEFAULTS, ...(options || {}) };
    this.prefix = String(o.prefix);
    this.maxGapMs = Number(o.maxGapMs);
    this.minLength = Math.max(this.prefix.length, Number(o.minLength) || 0);
    this.maxLength = Number(o.maxLength);
    this.terminators = Array.isArray(o.terminators) ? o.terminators.slice() : ["Enter"];
    this.reset();
  }

  /** reset drops the burst in progress. */
  reset() {
    this.buffer = "";
    this.burst = 0; // every key of the burst, also those not kept in buffer
    this.raw = ""; // the burst as typed, while it is not plausibly a pass
    this.last = -Infinity;
  }

  /**
   * key takes one key press: key is KeyboardEvent.key ("H", "Enter",
   * "Shift", …), at its time in milliseconds. It returns
   *   {scan: text}         a scan is complete (the terminator arrived in time);
   *                        a text typed with Caps Lock on comes back as meant;
   *   {unrecognised: n, text}  a burst of n keys at scanner speed ended in
   *                        the terminator without the prefix (n >= minLength);
   *                        text is the burst (at most maxLength keys);
   *   {consume: true}      the key belongs to what looks like a scan so far
   *                        (the caller may prevent its default action, e.g.
   *                        a space scrolling the page);
   *   null                 the key is not part of a scan.
   */
  key(key, at) {
    if (typeof key !== "string" || typeof at !== "number" || !isFinite(at)) return null;
    const gap = at - this.last;
    if (this.burst > 0 && gap > this.maxGapMs) {
      // too slow: a person, or a new burst
      this.buffer = "";
      this.burst = 0;
      this.raw = "";
    }
    if (this.terminators.includes(key)) {
      const text = this.buffer;
      const burst = this.burst;
      const raw = this.raw;
      const inTime = burst > 0 && gap <= this.maxGapMs;
      this.reset();
      if (inTime && text.length >= this.minLength && startsWithPrefix(text, this.prefix)) return { scan: this.asMeant(text) };
      if (inTime && burst >= this.minLength) return { unrecognised: burst, text: raw };
      return null;
    }
    if (key.length !== 1) {
      // Shift, CapsLock, arrows: scanners send Shift around capitals. It
      // neither breaks nor extends the burst, and does not restart its clock.
      return this.buffer !== "" && this.plausible() ? { consume: true } : null;
    }
    this.last = at;
    if (this.burst < this.maxLength) {
      this.burst++;
      this.raw += key;
    }
    if (this.buffer.length >= this.maxLength) {
      this.buffer = "";
      return null;
    }
    this.buffer += key;
    if (!this.plausible()) {
      // Not our prefix: keep only a tail that could still start one, so
      // that "xHC1:…" typed in one burst is not lost either.
      this.buffer = prefixTail(this.buffer, this.prefix);
      return null;
    }
    return { consume: true };
  }

  /**
   * asMeant gives a scan back as the scanner meant it: with the prefix as
   * configured, and, when the text has no upper-case letter at all but the
   * prefix has (Caps Lock inverted every letter), in upper case.
   */
  asMeant(text) {
    if (text.startsWith(this.prefix)) return text;
    if (this.prefix !== this.prefix.toLowerCase() && text === text.toLowerCase()) return text.toUpperCase();
    return this.prefix + text.slice(this.prefix.length);
  }

  /** plausible: the burst so far could be the start of a scan. */
  plausible() {
    const n = Math.min(this.buffer.length, this.prefix.length);
    return this.buffer.slice(0, n).toUpperCase() === this.prefix.slice(0, n).toUpperCase();
  }
}

/** URL_LIKE: a burst that reads as a web address is a scan of another code. */
const URL_LIKE = /^[a-z][a-z0-9+.-]{1,15}:\/\/\S/i;

function startsWithPrefix(text, prefix) {
  return text.slice(0, prefix.length).toUpperCase() === prefix.toUpperCase();
}

// prefixTail returns the longest suffix of s that is a start of prefix.
function prefixTail(s, prefix) {
  const up = s.toUpperCase();
  const p = prefix.toUpperCase();
  for (let n = Math.min(up.length, p.length - 1); n > 0; n--) {
    if (up.slice(up.length - n) === p.slice(0, n)) return s.slice(s.length - n);
  }
  return "";
}

/**
 * editable reports whether a key event is aimed at something a person types
 * into (input, textarea, select, contenteditable), looking through Shadow DOM.
 */
export function editable(ev) {
  const path = typeof ev.composedPath === "function" ? ev.composedPath() : [ev.target];
  const t = path[0] || ev.target;
  if (!t || typeof t !== "object") return false;
  if (t.isContentEditable) return true;
  const tag = typeof t.tagName === "string" ? t.tagName.toUpperCase() : "";
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = String(t.type || "text").toLowerCase();
    return !["button", "checkbox", "radio", "submit", "reset", "file", "image", "range", "color"].includes(type);
  }
  return false;
}

/**
 * Wedge listens for scanner input on a document (or any EventTarget with
 * keydown events) and calls onScan(text) for each complete scan, and
 * onUnrecognised(n) for a burst at scanner speed without the prefix.
 *
 *   const w = new Wedge({ onScan: (text) => check(text), onUnrecognised: () => say("scan.wedgeUnrecognised") });
 *   w.start();
 */
export class Wedge {
  constructor(options) {
    const o = options || {};
    this.onScan = typeof o.onScan === "function" ? o.onScan : () => {};
    this.onUnrecognised = typeof o.onUnrecognised === "function" ? o.onUnrecognised : () => {};
    this.target = o.target || globalThis.document;
    this.decoder = new WedgeDecoder(o);
    this.listener = (ev) => this.handle(ev);
    this.running = false;
  }

  start() {
    if (this.running || !this.target) return;
    // Capture phase: the page's own key handlers cannot swallow a scan.
    this.target.addEventListener("keydown", this.listener, true);
    this.running = true;
  }

  stop() {
    if (!this.running) return;
    this.target.removeEventListener("keydown", this.listener, true);
    this.running = false;
    this.decoder.reset();
  }

  handle(ev) {
    if (ev.isComposing || editable(ev)) {
      this.decoder.reset();
      return;
    }
    if (ev.ctrlKey || ev.altKey || ev.metaKey) {
      this.decoder.reset(); // a shortcut (Ctrl-V…), not a scanner
      return;
    }
    const r = this.decoder.key(ev.key, ev.timeStamp);
    if (!r) return;
    if (r.unrecognised) {
      // The scanner's Enter must not press whatever has the focus.
      ev.preventDefault();
      // A web address was read right: it is another code, which the
      // verifier calls not a health pass. Anything else: the layout.
      if (URL_LIKE.test(r.text)) this.onScan(r.text);
      else this.onUnrecognised(r.unrecognised);
      return;
    }
    if (r.consume) {
      ev.preventDefault();
      return;
    }
    ev.preventDefault();
    this.onScan(r.scan);
  }
}
