// offline.js: the single-file page (passcheck site build --single-file).
// One HTML file carries the WebAssembly module (gzip, base64) and the trust
// list (base64) in non-executable <script type="application/octet-stream">
// blocks, and works from file:// with no server and no network.
//
// A newer trust list reaches such a page as a file: the operator drops the
// signed bundle (trustlist-<sha256>.cose, as `passcheck trustlist build`
// writes it) onto the page, or picks it with the file button. The bundle is
// verified against the pinned publisher keys like any other; an older one
// (rollback) or one signed by another key is refused and the list in use
// stays. An accepted bundle is kept in localStorage, so that it survives a
// reload of the file — where the browser keeps localStorage for file://
// pages (Chromium does, for all files alike; Firefox keeps it per file
// unless privacy.file_unique_origin is off; Safari may not keep it at all).
// Where it is not kept, the page starts again from the list built into it,
// and the operator drops the newer bundle again.

import { readCapped, compareSeq, seqText, MAX_BUNDLE_BYTES } from "./pointer.js";

const BUNDLE_KEY = "passcheck.offline.bundle.";

/** base64Bytes decodes standard base64 into bytes. */
export function base64Bytes(s) {
  s = String(s).replace(/\s+/g, "");
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(s);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** bytesBase64 encodes bytes as standard base64. */
export function bytesBase64(bytes) {
  if (typeof bytes.toBase64 === "function") return bytes.toBase64();
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** embedded returns the bytes of the data block with id, or null. */
export function embedded(id) {
  const n = document.getElementById(id);
  if (!n || n.type !== "application/octet-stream") return null;
  return base64Bytes(n.textContent);
}

/**
 * embeddedWasm returns the module's bytes, inflated when the block says
 * data-encoding="gzip" (DecompressionStream: Chromium 80, Firefox 113,
 * Safari 16.4).
 */
export async function embeddedWasm(id) {
  const n = document.getElementById(id);
  const raw = embedded(id);
  if (!raw) throw Object.assign(new Error("the page carries no module"), { code: "WASM_UNAVAILABLE" });
  if (n.dataset.encoding !== "gzip") return raw;
  if (typeof DecompressionStream !== "function") {
    throw Object.assign(new Error("this browser cannot unpack the module (no DecompressionStream)"), { code: "WASM_UNAVAILABLE" });
  }
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function storage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null;
  }
}

/** keysID names the stored bundle after the pinned keys. */
export function keysID(trustKeys) {
  let h = 0;
  for (let i = 0; i < trustKeys.length; i++) h = (Math.imul(h, 31) + trustKeys.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}

/** storedBundle returns the bundle kept from an earlier drop, or null. */
export function storedBundle(id) {
  const st = storage();
  if (!st) return null;
  try {
    const v = st.getItem(BUNDLE_KEY + id);
    return v ? base64Bytes(v) : null;
  } catch {
    return null;
  }
}

/** storeBundle keeps an accepted bundle; it reports whether it could. */
export function storeBundle(id, bytes) {
  const st = storage();
  if (!st) return false;
  try {
    st.setItem(BUNDLE_KEY + id, bytesBase64(bytes));
    return true;
  } catch {
    return false; // full or disabled
  }
}

export function forgetBundle(id) {
  const st = storage();
  try {
    if (st) st.removeItem(BUNDLE_KEY + id);
  } catch {
    // nothing to do
  }
}

/**
 * startTrustList loads the trust list of a single-file page into the
 * verifier pc: the bundle kept from an earlier drop, then the one built into
 * the page. The newer wins (the older is refused as a rollback); a kept
 * bundle older than the built-in one is forgotten. Which list is in use, and
 * why none is, pc.trustList says.
 */
export function startTrustList(pc, builtIn, id) {
  const kept = storedBundle(id);
  let keptSeq = "";
  if (kept) {
    const r = pc.loadTrustListBytes(kept);
    if (r.ok) keptSeq = seqText(r.sequenceText) || seqText(r.sequence);
    else forgetBundle(id);
  }
  if (builtIn) {
    const r = pc.loadTrustListBytes(builtIn);
    if (r.ok && keptSeq !== "" && compareSeq(seqText(r.sequenceText) || seqText(r.sequence), keptSeq) > 0) forgetBundle(id);
  }
}

/** REVOCATIONS_ID is site.SingleFileRevocationsID. */
const REVOCATIONS_ID = "passcheck-revocations";

/**
 * startRevocations loads the revocation data the single-file page carries
 * (the index in the element REVOCATIONS_ID, part i in REVOCATIONS_ID-i),
 * checked by the module against the pinned keys like a downloaded one. A
 * page built without it has no revocation list: every pass is amber
 * (REVOCATION_STALE), and so is every pass once the carried index expires
 * (a dropped trust-list file carries no revocations: a newer page does).
 */
export function startRevocations(pc) {
  const index = embedded(REVOCATIONS_ID);
  if (!index) return pc.loadRevocationBytes(null, [], "this page carries no revocation list");
  const n = Math.min(64, Number(document.getElementById(REVOCATIONS_ID).dataset.parts) || 0);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(embedded(REVOCATIONS_ID + "-" + i));
  return pc.loadRevocationBytes(index, parts);
}

/**
 * acceptBundle checks a dropped or picked file and, when it verifies and is
 * not older than the list in use, makes it the list in use and keeps it.
 * It resolves to the module's load outcome ({ok, errors, sequence, …}) with
 * stored: whether it was kept for reloads.
 */
export async function acceptBundle(pc, file, id) {
  if (!file || typeof file.arrayBuffer !== "function") {
    return { ok: false, errors: [{ code: "INPUT_INVALID", message: "not a file" }], warnings: [], stored: false };
  }
  if (file.size > MAX_BUNDLE_BYTES) {
    return { ok: false, errors: [{ code: "TRUSTLIST_INVALID", message: `${file.size} bytes, more than ${MAX_BUNDLE_BYTES}` }], warnings: [], stored: false };
  }
  // Read as a stream with the same cap as a download (pointer.js
  // readCapped): a file that grows while read is cut off too.
  let bytes;
  try {
    bytes = await readCapped(new Response(file), MAX_BUNDLE_BYTES, "the file");
  } catch (e) {
    return { ok: false, errors: [{ code: "TRUSTLIST_INVALID", message: String(e && e.message) }], warnings: [], stored: false };
  }
  const r = pc.loadTrustListBytes(bytes);
  return { ...r, stored: r.ok ? storeBundle(id, bytes) : false };
}

/**
 * BundleDrop accepts trust-list bundles dropped anywhere on the page or
 * picked with input (an <input type=file>), and calls onResult(outcome).
 */
export class BundleDrop {
  constructor(pc, id, input, onResult) {
    this.pc = pc;
    this.id = id;
    this.input = input;
    this.onResult = onResult;
    this.onDragOver = (ev) => {
      if (!ev.dataTransfer || ![...ev.dataTransfer.types].includes("Files")) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "copy";
      document.documentElement.dataset.dropping = "true";
    };
    this.onDragLeave = (ev) => {
      if (ev.target === document.documentElement || !ev.relatedTarget) delete document.documentElement.dataset.dropping;
    };
    this.onDrop = (ev) => {
      delete document.documentElement.dataset.dropping;
      const files = ev.dataTransfer && ev.dataTransfer.files;
      if (!files || files.length === 0) return;
      ev.preventDefault(); // never let the browser open the file instead
      this.take(files[0]);
    };
    this.onPick = () => {
      const f = this.input.files && this.input.files[0];
      this.input.value = "";
      if (f) this.take(f);
    };
  }

  start() {
    document.addEventListener("dragover", this.onDragOver);
    document.addEventListener("dragleave", this.onDragLeave);
    document.addEventListener("drop", this.onDrop);
    if (this.input) this.input.addEventListener("change", this.onPick);
  }

  async take(file) {
    const r = await acceptBundle(this.pc, file, this.id);
    this.onResult(r);
    return r;
  }
}
