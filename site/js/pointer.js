// pointer.js: the check of a published trust-list tree, shared by the public
// library (passcheck.js, which loads the list) and the service worker
// (sw.js, which caches it), so that both accept the same bundles. A tree is
// a small trustlist.json pointer, fetched first and revalidated, that names
// a content-addressed bundle beside it:
//
//   {"sequence": 12, "bundle": "trustlist-<sha256>.cose", "sha256": "<hex>",
//    "size": 1234, "issuedAt": "…", "expiresAt": "…"}
//
// readPointer checks the pointer, checkBundle the bundle's bytes against it.
// Neither fetches: each caller fetches in its own way (the page with its
// credentials and caps, the worker into its cache). The bundle's signature
// is not checked here: the module checks it against the pinned keys.

/** MAX_POINTER_BYTES caps trustlist.json. */
export const MAX_POINTER_BYTES = 16 << 10;
/** MAX_BUNDLE_BYTES caps a bundle (trustlist.MaxBundleSize). */
export const MAX_BUNDLE_BYTES = 8 << 20;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** PointerError is what readPointer and checkBundle throw; code is TRUSTLIST_INVALID. */
export class PointerError extends Error {
  constructor(message) {
    super(message);
    this.name = "PointerError";
    this.code = "TRUSTLIST_INVALID";
  }
}

/**
 * readPointer checks trustlist.json, fetched from pointerURL and parsed as
 * JSON (a text that is not JSON is the caller's to report), and returns {sequence, bundleURL, sha256, size}: bundleURL resolved against
 * the pointer and on its origin, sha256 in lower-case hex, size a number or
 * null when the pointer gives none. It throws a PointerError otherwise.
 * @param {unknown} p the parsed pointer
 * @param {URL|string} pointerURL
 */
export function readPointer(p, pointerURL) {
  if (!p || typeof p !== "object" || typeof p.bundle !== "string" || typeof p.sha256 !== "string") {
    throw new PointerError("trustlist.json names no bundle.");
  }
  const sha256 = p.sha256.toLowerCase();
  if (!SHA256_HEX.test(sha256)) {
    throw new PointerError("trustlist.json has no SHA-256 of its bundle.");
  }
  const base = new URL(pointerURL);
  let bundleURL;
  try {
    bundleURL = new URL(p.bundle, base);
  } catch {
    throw new PointerError("trustlist.json names a bundle that is not a URL.");
  }
  if (bundleURL.origin !== base.origin) {
    throw new PointerError("trustlist.json names a bundle on another origin.");
  }
  if (p.size !== undefined && (!Number.isSafeInteger(p.size) || p.size < 0 || p.size > MAX_BUNDLE_BYTES)) {
    throw new PointerError("trustlist.json gives a size its bundle cannot have.");
  }
  return {
    sequence: typeof p.sequence === "number" ? p.sequence : null,
    sequenceText: typeof p.sequence === "number" ? seqText(p.sequence) : "",
    bundleURL,
    sha256,
    size: typeof p.size === "number" ? p.size : null,
  };
}

/**
 * pointerSequence reads the sequence of a trustlist.json from its text,
 * exactly: JSON.parse turns a sequence above 2^53 into a nearby number.
 * It returns the sequence in decimal, or "" when the text gives none.
 * @param {string} text
 */
export function pointerSequence(text) {
  const m = /"sequence"\s*:\s*(\d{1,20})\s*[,}]/.exec(String(text));
  return m ? seqText(m[1]) : "";
}

/**
 * seqText writes a trust-list sequence (a whole number, or a decimal
 * string as stored or as the module's sequenceText gives it) as a decimal
 * string without leading zeros: the form compareSeq compares exactly.
 * Anything else (negative, fractional, unsafe numbers, not a number) is "".
 */
export function seqText(v) {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? String(v) : "";
  if (typeof v === "bigint") return v >= 0n ? v.toString() : "";
  if (typeof v !== "string" || !/^\d{1,20}$/.test(v)) return "";
  return v.replace(/^0+(?=\d)/, "");
}

/**
 * compareSeq compares two sequences exactly (as seqText writes them, "" for
 * none, which is below every sequence): -1, 0 or 1. Sequences are 64-bit,
 * beyond the 2^53 that a JavaScript number holds exactly; they are compared
 * as decimal strings, without BigInt.
 */
export function compareSeq(a, b) {
  a = seqText(a);
  b = seqText(b);
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * readCapped reads a fetch Response's body into bytes, streaming, and
 * rejects as soon as it holds more than max bytes, whatever the response
 * says of its length (a Content-Length above max is refused before
 * reading; a body without one, chunked and endless, is cut off at max + 1
 * bytes): never more than max bytes are kept.
 * @param {Response} resp
 * @param {number} max
 * @param {string} what names the download in the error
 * @returns {Promise<Uint8Array>}
 */
export async function readCapped(resp, max, what) {
  const len = Number(resp.headers && resp.headers.get("Content-Length"));
  if (len > max) {
    if (resp.body && resp.body.cancel) resp.body.cancel().catch(() => {});
    throw new PointerError(`${what}: ${len} bytes, more than ${max}`);
  }
  if (!resp.body || typeof resp.body.getReader !== "function") {
    // No stream (an old browser): the whole body, then the check.
    const buf = new Uint8Array(await resp.arrayBuffer());
    if (buf.length > max) throw new PointerError(`${what}: more than ${max} bytes`);
    return buf;
  }
  const reader = resp.body.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      reader.cancel().catch(() => {});
      throw new PointerError(`${what}: more than ${max} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * checkBundle checks a bundle's bytes against the pointer read by
 * readPointer: its size and its SHA-256, computed by WebCrypto (subtle)
 * where it is at hand, else by hash (the module's sha256: WebCrypto is
 * missing in an insecure context). It resolves when they match and rejects
 * with a PointerError; with neither, it rejects: an unchecked bundle is
 * never taken.
 * @param {ArrayBuffer|Uint8Array} bytes
 * @param {{sha256: string, size: number|null}} pointer
 * @param {SubtleCrypto|null} subtle
 * @param {((bytes: Uint8Array) => string)|null} [hash] hex SHA-256 without WebCrypto
 */
export async function checkBundle(bytes, pointer, subtle, hash) {
  const n = bytes.byteLength;
  if (n > MAX_BUNDLE_BYTES) {
    throw new PointerError(`The trust-list bundle is ${n} bytes, more than ${MAX_BUNDLE_BYTES}.`);
  }
  if (pointer.size !== null && pointer.size !== n) {
    throw new PointerError("The trust-list bundle does not match the size in trustlist.json.");
  }
  let sum;
  if (subtle) sum = hex(await subtle.digest("SHA-256", bytes));
  else if (typeof hash === "function") sum = hash(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  else throw new PointerError("The trust-list bundle's SHA-256 cannot be checked in this browser.");
  if (sum !== pointer.sha256) {
    throw new PointerError("The trust-list bundle does not match the SHA-256 in trustlist.json.");
  }
}

/** hex writes bytes as lower-case hex. */
export function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}
