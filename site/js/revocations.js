// revocations.js: the revocation data that trustlist.json names beside the
// bundle (docs/trustlist.md, "Revocation"), shared by the public library
// (passcheck.js, which fetches it on the trust list's schedule and hands it
// to the module) and the service worker (sw.js, which caches it):
//
//   "revocations": {"sequence": 17, "index": "trustlist-<sha256>.index",
//                   "sha256": "<hex>", "size": 310, "entries": 3, …}
//
// The index is a signed COSE_Sign1 naming its parts by SHA-256; each part
// is the file trustlist-<sha256>.part beside the pointer. Nothing here
// checks a signature: the module checks the index against the pinned keys
// and each part against the index's size and SHA-256, and reports a part
// that is missing or does not match as REVOCATION_STALE (amber). These
// downloads never depend on a pass: every part is fetched, whatever is
// scanned (a fetch by kid would tell the server whose pass is at the door).

import { seqText, compareSeq, hex } from "./pointer.js";

/** MAX_INDEX_BYTES caps a revocation index (trustlist.MaxIndexSize). */
export const MAX_INDEX_BYTES = 64 << 10;
/** MAX_PART_BYTES caps one part (revocation.MaxPartSize). */
export const MAX_PART_BYTES = 64 << 20;
/** MAX_PARTS caps the parts of one index. */
export const MAX_PARTS = 64;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * readRevocations reads the "revocations" field of a parsed trustlist.json
 * fetched from pointerURL: null when there is none, else {indexURL, sha256,
 * size}. indexURL is on the pointer's origin. It throws an
 * Error for a field that is there but unusable.
 */
export function readRevocations(p, pointerURL) {
  const r = p && typeof p === "object" ? p.revocations : undefined;
  if (r === undefined || r === null) return null;
  if (typeof r !== "object" || typeof r.index !== "string" || typeof r.sha256 !== "string" || !SHA256_HEX.test(r.sha256.toLowerCase())) {
    throw new Error("trustlist.json names no usable revocation index");
  }
  const base = new URL(pointerURL);
  const indexURL = new URL(r.index, base);
  if (indexURL.origin !== base.origin) throw new Error("trustlist.json names a revocation index on another origin");
  if (r.size !== undefined && (!Number.isSafeInteger(r.size) || r.size <= 0 || r.size > MAX_INDEX_BYTES)) {
    throw new Error("trustlist.json gives a revocation index size it cannot have");
  }
  return { indexURL, sha256: r.sha256.toLowerCase(), size: typeof r.size === "number" ? r.size : null };
}

/**
 * indexParts reads, without checking its signature, the parts a revocation
 * index names: [{name, size}] in its order, name being
 * trustlist-<sha256>.part. It throws an Error on bytes that are not an
 * index. The module checks the index again, signature first, before it
 * uses a part.
 * @param {Uint8Array} b
 */
export function indexParts(b) {
  const r = new CBOR(b);
  if (r.peekMajor() === 6) r.head(); // the COSE_Sign1 tag, 18
  if (r.head(4) !== 4) throw new Error("the revocation index is not a COSE_Sign1");
  r.skip(); // protected
  r.skip(); // unprotected
  const payload = new CBOR(r.bytes());
  const n = payload.head(5);
  for (let i = 0; i < n; i++) {
    const key = payload.peekMajor() === 0 ? payload.head(0) : (payload.skip(), -1);
    if (key !== 16) {
      payload.skip();
      continue;
    }
    const count = payload.head(4);
    if (count > MAX_PARTS) throw new Error(`the revocation index names ${count} parts, more than ${MAX_PARTS}`);
    const parts = [];
    for (let j = 0; j < count; j++) {
      const fields = payload.head(4);
      if (fields < 2) throw new Error("a revocation part without its size");
      const sum = payload.bytes();
      if (sum.length !== 32) throw new Error("a revocation part named by no SHA-256");
      const size = payload.head(0);
      for (let k = 2; k < fields; k++) payload.skip();
      parts.push({ name: "trustlist-" + hex(sum) + ".part", size });
    }
    return parts;
  }
  return [];
}

// CBOR is the little of a CBOR reader indexParts needs: definite lengths
// only, as the module's own reader (which refuses the rest).
class CBOR {
  constructor(b) {
    this.b = b;
    this.i = 0;
  }
  peekMajor() {
    if (this.i >= this.b.length) throw new Error("the revocation index is cut short");
    return this.b[this.i] >> 5;
  }
  // head reads an item's head; with want, it must be of that major type.
  // It returns the argument (lengths, counts, values up to 2^53).
  head(want) {
    const major = this.peekMajor();
    const info = this.b[this.i++] & 31;
    if (want !== undefined && major !== want) throw new Error("the revocation index is malformed");
    let v;
    if (info < 24) v = info;
    else if (info <= 27) {
      const n = 1 << (info - 24);
      if (this.i + n > this.b.length) throw new Error("the revocation index is cut short");
      v = 0;
      for (let k = 0; k < n; k++) v = v * 256 + this.b[this.i++];
      if (v > Number.MAX_SAFE_INTEGER) v = Number.MAX_SAFE_INTEGER;
    } else throw new Error("the revocation index is malformed");
    this.major = major;
    return v;
  }
  bytes() {
    const n = this.head(2);
    if (this.i + n > this.b.length) throw new Error("the revocation index is cut short");
    const out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  }
  skip(depth = 0) {
    if (depth > 16) throw new Error("the revocation index nests too deeply");
    const v = this.head();
    switch (this.major) {
      case 2:
      case 3:
        if (this.i + v > this.b.length) throw new Error("the revocation index is cut short");
        this.i += v;
        break;
      case 4:
        for (let k = 0; k < v; k++) this.skip(depth + 1);
        break;
      case 5:
        for (let k = 0; k < 2 * v; k++) this.skip(depth + 1);
        break;
      case 6:
        this.skip(depth + 1);
        break;
    }
  }
}

/**
 * fetchRevocations downloads the index that rp (readRevocations) names and
 * every part it names, each with get(url, max, what) (a capped download
 * that rejects on failure). It resolves to {index, parts, why}: index null
 * when it could not be fetched or does not match the pointer (why says so);
 * parts[i] null for a part that could not be fetched (the module reports
 * the list stale). checkSum(bytes) → hex SHA-256 checks the index against
 * the pointer.
 */
export async function fetchRevocations(rp, get, checkSum) {
  let index;
  try {
    index = await get(rp.indexURL, MAX_INDEX_BYTES, "revocation index");
    if (rp.size !== null && index.byteLength !== rp.size) throw new Error("it does not match the size in trustlist.json");
    if ((await checkSum(index)) !== rp.sha256) throw new Error("it does not match the SHA-256 in trustlist.json");
  } catch (e) {
    return { index: null, parts: [], why: `the revocation index could not be fetched (${e && e.message})` };
  }
  let names;
  try {
    names = indexParts(index);
  } catch {
    // The module refuses it with its own code.
    return { index, parts: [], why: "" };
  }
  const parts = await Promise.all(
    names.map((p) =>
      get(new URL(p.name, rp.indexURL), Math.min(p.size, MAX_PART_BYTES), "revocation part").catch(() => null),
    ),
  );
  return { index, parts, why: "" };
}

/**
 * prefetchRevocations starts the download of the revocation data that
 * parsed (a trustlist.json fetched from pointerURL) names, before the
 * module runs (passcheck.js load: beside the module's own download): null
 * when it names none, else {sha256, got} for revocationsFor's refresh, got
 * being fetchRevocations' promise. subtle is WebCrypto's, which hashes the
 * index.
 */
export function prefetchRevocations(parsed, pointerURL, fetchCapped, subtle) {
  let rp;
  try {
    rp = readRevocations(parsed, pointerURL);
  } catch {
    return null; // refresh says why
  }
  if (!rp || !subtle) return null;
  const got = download(rp, fetchCapped, async (bytes) => hex(await subtle.digest("SHA-256", bytes)));
  got.catch(() => {}); // awaited by refresh, unless the module fails to start first
  return { sha256: rp.sha256, got };
}

// download fetches the index and parts rp names (fetchRevocations) with
// passcheck.js fetchCapped: the index and parts are named by their
// content, so any cached copy of them is right.
function download(rp, fetchCapped, hash) {
  return fetchRevocations(rp, (url, max, what) => fetchCapped(url, max, what, "default"), hash);
}

const REV_SEQUENCE_KEY = "passcheck.revocations.sequence.";

/**
 * revocationsFor keeps the revocation data of one verifier (passcheck.js
 * load): it fetches the index and all its parts when the trust list is
 * loaded or refreshed, hands them to the module's session (api), and keeps
 * the highest index sequence seen (in storage, beside the trust list's
 * mark, and in memory), exact as a decimal string: an older index is
 * refused (TRUSTLIST_ROLLBACK) and the data in use stays.
 */
export function revocationsFor({ api, trustKeys, seqKey, lastSeen, remember: storeMark, subtle, moduleHash, fetchCapped }) {
  const key = seqKey ? REV_SEQUENCE_KEY + seqKey.slice(seqKey.lastIndexOf(".") + 1) : "";
  let seenHere = "";
  let inUse = ""; // the SHA-256 of the index in use, from the pointer
  let last = null; // the module's answer to the last load

  // The stored mark is the trust list's (passcheck.js lastSeen, remember)
  // under this key; seenHere is the session's own, for storage that is full
  // or disabled.
  const stored = () => lastSeen(key);
  const remember = (seq) => {
    if (compareSeq(seq, seenHere) > 0) seenHere = seq;
    storeMark(key, seq);
  };

  function loadBytes(index, parts, why) {
    if (typeof api.loadRevocations !== "function") return null;
    const s = stored();
    const floor = compareSeq(s, seenHere) >= 0 ? s : seenHere;
    const ok = index instanceof Uint8Array;
    const list = ok && Array.isArray(parts) ? parts.map((p) => (p instanceof Uint8Array ? p : null)) : [];
    last = api.loadRevocations(ok ? index : null, list, trustKeys, floor || 0, typeof why === "string" ? why : "");
    const refused = last.errors.some((e) => e.code !== "REVOCATION_STALE");
    if (ok && last.loaded && !refused) remember(seqText(last.sequenceText));
    return shape(last);
  }

  // hashOf is the hex SHA-256 of bytes: WebCrypto, else the module's.
  async function hashOf(bytes) {
    const s = subtle();
    if (s) return hex(await s.digest("SHA-256", bytes));
    return moduleHash ? moduleHash(bytes) : "";
  }

  // refresh fetches what parsed (the trustlist.json just fetched, or
  // undefined when it could not be) names, unless it is the index in use.
  // early is prefetch's download of the same pointer's data, or null.
  async function refresh(parsed, pointerURL, early) {
    if (parsed === undefined) return loadBytes(null, [], "the trust list could not be fetched");
    let rp;
    try {
      rp = readRevocations(parsed, pointerURL);
    } catch (e) {
      return loadBytes(null, [], e.message);
    }
    if (!rp) return loadBytes(null, [], "trustlist.json names no revocation index");
    if (rp.sha256 === inUse && last && last.loaded) return shape(api.revocations());
    const got = await (early && early.sha256 === rp.sha256 ? early.got : download(rp, fetchCapped, hashOf));
    const out = loadBytes(got.index, got.parts, got.why);
    if (got.index && last && last.ok) inUse = rp.sha256;
    return out;
  }

  // state is pc.trustList.revocations: the data in use.
  function state() {
    return typeof api.revocations === "function" ? shape(api.revocations()) : null;
  }

  // shape is the module's answer as pc shows it; lastLoad is the answer to
  // the last load, whose errors say why an index was refused while the
  // data in use stayed.
  function shape(r) {
    const issued = Date.parse(r.issuedAt);
    return {
      ok: r.ok,
      loaded: r.loaded,
      sequence: r.sequence,
      sequenceText: seqText(r.sequenceText),
      issuedAt: r.issuedAt,
      expiresAt: r.expiresAt,
      entries: r.entries,
      ageSeconds: Number.isNaN(issued) ? null : Math.max(0, Math.round((Date.now() - issued) / 1000)),
      errors: r.errors,
      lastLoad: last,
    };
  }

  return { refresh, loadBytes, state };
}
