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
    bundleURL,
    sha256,
    size: typeof p.size === "number" ? p.size : null,
  };
}

/**
 * checkBundle checks a bundle's bytes against the pointer read by
 * readPointer: its size and, where WebCrypto is at hand (subtle), its
 * SHA-256. It resolves when they match and rejects with a PointerError.
 * Without WebCrypto (an insecure context) only the size is checked; the
 * module still checks the bundle's signature.
 * @param {ArrayBuffer|Uint8Array} bytes
 * @param {{sha256: string, size: number|null}} pointer
 * @param {SubtleCrypto|null} subtle
 */
export async function checkBundle(bytes, pointer, subtle) {
  const n = bytes.byteLength;
  if (n > MAX_BUNDLE_BYTES) {
    throw new PointerError(`The trust-list bundle is ${n} bytes, more than ${MAX_BUNDLE_BYTES}.`);
  }
  if (pointer.size !== null && pointer.size !== n) {
    throw new PointerError("The trust-list bundle does not match the size in trustlist.json.");
  }
  if (subtle && hex(await subtle.digest("SHA-256", bytes)) !== pointer.sha256) {
    throw new PointerError("The trust-list bundle does not match the SHA-256 in trustlist.json.");
  }
}

/** hex writes bytes as lower-case hex. */
export function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}
