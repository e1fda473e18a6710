// passcheck.js — the public ES module of the passcheck verifier: EU Digital
// COVID Certificates ("HC1:" QR codes) verified entirely in the browser by
// the Go core compiled to WebAssembly, against a signed static trust list.
//
//   import { load } from "./passcheck.js";
//   const pc = await load({
//     wasmURL: "passcheck.wasm",
//     trustListURL: "trustlist/trustlist.json",
//     trustKeys: "-----BEGIN PUBLIC KEY-----\n…",
//   });
//   const result = await pc.verify(text);   // result.valid, result.errors, …
//
// Types: passcheck.d.ts beside this file. Guide: docs/wasm.md.
//
// Nothing about a pass is stored or sent anywhere: the text goes from the
// caller to the module and the Result back. The only thing this module
// stores is the highest trust-list sequence number seen (localStorage), so
// that an older list cannot be slipped in after a reload.
//
// Go's wasm_exec.js must sit beside this file (make wasm and passcheck site
// build put it there; the site's bundler inlines it).
import "./wasm_exec.js";
import { readPointer, checkBundle, readCapped, seqText, compareSeq, hex, MAX_POINTER_BYTES, MAX_BUNDLE_BYTES } from "./pointer.js";
import { revocationsFor, prefetchRevocations } from "./revocations.js";

const SEQUENCE_KEY = "passcheck.trustlist.sequence.";

/** PasscheckError is what load() rejects with when the module itself cannot start. */
export class PasscheckError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "PasscheckError";
    this.code = code;
    this.errors = [{ code, message }];
  }
}

// mark records a phase of start-up as a User Timing mark
// ("passcheck:start" load called, "compiled" the module fetched, compiled
// and instantiated, "runtime" go.run done, "bundle" the list's bytes
// fetched and checked against the pointer, "trustlist" the first list
// loaded, "warmup" the module's warm-up done, "revocations" the list's
// revocation data loaded, "ready", "warm" WebCrypto's warm-up done too),
// which benchmarks read
// (performance.getEntriesByName); a mark costs microseconds.
function mark(name) {
  try {
    globalThis.performance.mark("passcheck:" + name);
  } catch {
    // no User Timing here: nothing to record
  }
}

function msg(code, message) {
  return { code, message };
}

// internalError is the Result of a verify that threw: a bug, not a
// judgement on the pass, so "cannot-check".
function internalError(e) {
  return { valid: false, verdict: "cannot-check", errors: [msg("INTERNAL_ERROR", String(e && e.message))], warnings: [] };
}

function closedResult() {
  return { valid: false, verdict: "cannot-check", errors: [msg("WASM_UNAVAILABLE", "This verifier was closed.")], warnings: [] };
}

function failedLoad(code, message) {
  return { ok: false, errors: [msg(code, message)], warnings: [], sequence: null, sequenceText: "", issuedAt: "", expiresAt: "", signers: 0 };
}

// The wasm is instantiated once per URL (or bytes) and shared: several
// verifiers on one page (two widgets) each get their own session, that is
// their own trust list, inside the one module.
const modules = new Map();

async function instantiate(options) {
  if (typeof globalThis.Go !== "function") {
    throw new PasscheckError("WASM_UNAVAILABLE", "Go's wasm_exec.js did not load");
  }
  const go = new globalThis.Go();
  let instance, compiled;
  const src = options.wasm;
  if (src instanceof WebAssembly.Module) {
    instance = await WebAssembly.instantiate(src, go.importObject);
    compiled = src;
  } else if (src) {
    ({ instance, module: compiled } = await WebAssembly.instantiate(src, go.importObject));
  } else {
    const url = new URL(options.wasmURL, globalThis.location ? globalThis.location.href : undefined);
    const fetched = fetch(url, { credentials: "same-origin" });
    if (WebAssembly.instantiateStreaming) {
      try {
        ({ instance, module: compiled } = await WebAssembly.instantiateStreaming(fetched, go.importObject));
      } catch (e) {
        // A server that sends another Content-Type than application/wasm.
        const resp = await fetch(url, { credentials: "same-origin" });
        if (!resp.ok) throw new PasscheckError("WASM_UNAVAILABLE", `fetching ${url}: HTTP ${resp.status}`);
        ({ instance, module: compiled } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject));
      }
    } else {
      const resp = await fetched;
      if (!resp.ok) throw new PasscheckError("WASM_UNAVAILABLE", `fetching ${url}: HTTP ${resp.status}`);
      ({ instance, module: compiled } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject));
    }
  }
  mark("compiled"); // fetched, compiled and instantiated
  // go.run runs main until it waits: by then globalThis.passcheck is set.
  go.run(instance);
  mark("runtime"); // the Go runtime started and main ran
  const api = globalThis.passcheck;
  if (!api || typeof api.verify !== "function") {
    throw new PasscheckError("WASM_UNAVAILABLE", "the module did not start");
  }
  return { api, exports: instance.exports, module: compiled };
}

function module(options) {
  const key = options.wasm || options.wasmURL;
  if (!key) return Promise.reject(new PasscheckError("INPUT_INVALID", "load() needs wasmURL or wasm"));
  let p = modules.get(key);
  if (!p) {
    p = instantiate(options).catch((e) => {
      throw e instanceof PasscheckError ? e : new PasscheckError("WASM_UNAVAILABLE", `the module could not start: ${e && e.message}`);
    });
    modules.set(key, p);
    p.catch(() => modules.delete(key));
  }
  return p;
}

// trustListURL is the pointer's URL, null without one; it throws for a
// URL that cannot be parsed.
function trustListURL(options) {
  return options.trustListURL ? new URL(options.trustListURL, globalThis.location ? globalThis.location.href : undefined) : null;
}

function subtle() {
  const c = globalThis.crypto;
  return c && c.subtle ? c.subtle : null;
}

// storageKey names the stored sequence after the pinned keys, so that two
// publishers on one origin do not roll each other back. Without storage
// (Node, storage disabled) there is nothing to name, and no digest to pay
// for (Node's first WebCrypto call takes hundreds of milliseconds).
async function storageKey(trustKeys) {
  if (!storage()) return "";
  const s = subtle();
  if (s) {
    return SEQUENCE_KEY + hex(await s.digest("SHA-256", new TextEncoder().encode(trustKeys))).slice(0, 16);
  }
  let h = 0;
  for (let i = 0; i < trustKeys.length; i++) h = (Math.imul(h, 31) + trustKeys.charCodeAt(i)) | 0;
  return SEQUENCE_KEY + (h >>> 0).toString(16);
}

function storage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // storage disabled
  }
}

// Sequences are 64-bit: they are kept and compared as decimal strings
// (pointer.js seqText, compareSeq), exact above 2^53 where a number is not.

// lastSeen is the stored highest sequence, in decimal, or "".
function lastSeen(key) {
  const st = storage();
  if (!st || !key) return "";
  try {
    return seqText(st.getItem(key));
  } catch {
    return "";
  }
}

// remember stores sequence when it is above the stored one: the mark is
// never lowered.
function remember(key, sequence) {
  const st = storage();
  const s = seqText(sequence);
  if (!st || !key || s === "") return;
  try {
    if (compareSeq(s, lastSeen(key)) > 0) st.setItem(key, s);
  } catch {
    // full or disabled: the in-memory session still refuses rollbacks
  }
}

// fetchCapped downloads url, streaming, and never holds more than max
// bytes of it (pointer.js readCapped): an endless answer is cut off.
async function fetchCapped(url, max, what, cache) {
  const resp = await fetch(url, { cache, credentials: "same-origin" });
  if (!resp.ok) {
    if (resp.body && resp.body.cancel) resp.body.cancel().catch(() => {});
    throw new Error(`${what}: HTTP ${resp.status}`);
  }
  return readCapped(resp, max, what);
}

// fetchBundle fetches the trustlist.json pointer and the bundle it names
// (relative to the pointer, on the pointer's origin), and checks the bundle
// against the pointer's size and SHA-256 (pointer.js, as the service worker
// does). The bundle's own signature is checked by the module.
//
// onPointer, when given, is called with the pointer's JSON as soon as it
// has been read and checked, while the bundle downloads.
async function fetchBundle(pointerURL, hash, onPointer) {
  let parsed;
  try {
    // The pointer is revalidated each time; the bundle is named by its
    // content, so any cached copy of it is right. A pointer that is not
    // JSON (a captive portal's page) counts as not fetched.
    const raw = await fetchCapped(pointerURL, MAX_POINTER_BYTES, "trustlist.json", "no-cache");
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    return { error: failedLoad("TRUSTLIST_UNAVAILABLE", `The trust list could not be fetched (${e.message}).`) };
  }
  let pointer;
  try {
    pointer = readPointer(parsed, pointerURL);
  } catch (e) {
    return { error: failedLoad(e.code || "TRUSTLIST_INVALID", e.message), parsed };
  }
  let bundle;
  try {
    const fetching = fetchCapped(pointer.bundleURL, MAX_BUNDLE_BYTES, "trust-list bundle", "default");
    if (onPointer) onPointer(parsed);
    bundle = await fetching;
  } catch (e) {
    return { error: failedLoad("TRUSTLIST_UNAVAILABLE", `The trust list could not be fetched (${e.message}).`), parsed };
  }
  try {
    await checkBundle(bundle, pointer, subtle(), hash);
  } catch (e) {
    return { error: failedLoad(e.code || "TRUSTLIST_INVALID", e.message), parsed };
  }
  return { bundle, parsed };
}

const MAX_INPUT_LEN = 8 << 10; // dcc.MaxInputLen

// calls returns the module's verify functions for session api, through its
// WebAssembly exports (wasm/exports_js.go): a call through them costs well
// under a microsecond, one through api (syscall/js) about 20. The text goes
// in through the module's memory as UTF-8; answers come back the same way.
// A text too long for a pass, or a non-string, takes api's functions, which
// answer those with the same errors.
function calls(api, ex) {
  const id = api.id;
  const ok = ex && typeof ex.pc_prepare === "function" && typeof id === "number";
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  // put writes text into the module's input; its length in bytes, or -1.
  function put(text) {
    if (!ok || typeof text !== "string" || text.length > MAX_INPUT_LEN) return -1;
    const room = text.length * 3;
    const at = ex.pc_input(room);
    if (!at) return -1;
    return enc.encodeInto(text, new Uint8Array(ex.mem.buffer, at, room)).written;
  }
  // The module's memory grows (and its buffer changes) during calls: views
  // are made after each.
  const out = (n) => new Uint8Array(ex.mem.buffer, ex.pc_output(), n);
  const answer = (n) => dec.decode(out(n));
  const clock = (at) => (at === undefined ? [0, 0] : [1, at]);

  function verify(text, at) {
    const n = put(text);
    if (n < 0) return api.verify(text, at);
    const [has, ms] = clock(at);
    return JSON.parse(answer(ex.pc_verify(id, n, has, ms)));
  }

  // prepare → {result} or {alg, token, tbs, sig, handles}
  function prepare(text, at) {
    const n = put(text);
    if (n < 0) return { result: api.verify(text, at) };
    const [has, ms] = clock(at);
    const b = out(ex.pc_prepare(id, n, has, ms));
    if (b[0] === 123 /* { */) return { result: JSON.parse(dec.decode(b)) };
    const nl = b.indexOf(10);
    const [alg, token, tbsLen, sigLen, ...handles] = dec.decode(b.subarray(0, nl)).split(" ");
    const from = nl + 1;
    const to = from + Number(tbsLen);
    // Views into the module's memory: valid until the next call into it.
    return { alg, token: Number(token), handles, tbs: b.subarray(from, to), sig: b.subarray(to, to + Number(sigLen)) };
  }

  // speculate → the Result's JSON text, or null
  function speculate(token, index) {
    const n = ex.pc_speculate(id, token, index);
    return n < 0 ? null : answer(n);
  }

  // verifyPrepared → the Result, or null for a stale token
  function verifyPrepared(token, index) {
    const n = ex.pc_verifyPrepared(id, token, index);
    return n < 0 ? null : JSON.parse(answer(n));
  }

  return { verify, prepare, speculate, verifyPrepared };
}

// WebCrypto verifies signatures at native speed, where Go compiled to
// WebAssembly is about ten times slower.
const ALGS = {
  ES256: { importAlg: { name: "ECDSA", namedCurve: "P-256" }, verifyAlg: { name: "ECDSA", hash: "SHA-256" } },
  PS256: { importAlg: { name: "RSA-PSS", hash: "SHA-256" }, verifyAlg: { name: "RSA-PSS", saltLength: 32 } },
};
const MAX_CACHED_KEYS = 256;

// importAlg is the importKey algorithm for a key of the module's: an ES256
// key may be on P-256, P-384 or P-521 (ES256 is SHA-256 on the signer's
// curve), which the JWK names.
function importAlg(alg, jwk) {
  return alg === "ES256" ? { name: "ECDSA", namedCurve: jwk.crv } : ALGS[alg].importAlg;
}

// fastPath verifies passes with the module and WebCrypto together (see
// verify below); keys holds the imported CryptoKeys by the module's handle.
function fastPath(api, c, s) {
  const keys = new Map();

  // cryptoKey returns {promise, key}: key is set once the import is done,
  // so that a verify with a known key need not wait a turn for it.
  function cryptoKey(handle, alg) {
    const id = alg + handle;
    let k = keys.get(id);
    if (!k) {
      const jwk = api.jwk(Number(handle));
      if (!jwk) return null;
      if (keys.size >= MAX_CACHED_KEYS) keys.clear();
      const entry = { key: null, promise: s.importKey("jwk", jwk, importAlg(alg, jwk), false, ["verify"]) };
      entry.promise.then((key) => (entry.key = key), () => keys.delete(id));
      keys.set(id, (k = entry));
    }
    return k;
  }

  // verify checks the signature with WebCrypto and lets the module do the
  // rest. The module decodes the pass only as far as its signature
  // (prepare); once WebCrypto has the signature (on another thread, where
  // the browser uses one), the module reads and checks the rest and
  // computes the Result it will give if that key verifies (speculate),
  // which is handed out only if WebCrypto confirms. When WebCrypto verifies
  // with none of the keys (a bad signature, or an issuer's salt length that
  // WebCrypto does not accept), the module checks the signature again in Go
  // (verifyPrepared with -1), so a refusal never rests on WebCrypto alone.
  //
  // A pass whose signer's key is not imported yet is checked by the module
  // alone (pure Go: about a millisecond for ES256, less than WebCrypto's
  // first import and verify of a key) while the key is imported for the
  // passes that follow: the first verdict never waits for WebCrypto.
  return async function verify(text, at) {
    const p = c.prepare(text, at);
    if (p.result) return p.result;
    let missing = false;
    for (const h of p.handles) {
      if (h === "0") continue;
      const entry = keys.get(p.alg + h) || cryptoKey(h, p.alg);
      if (entry && !entry.key) missing = true;
    }
    // (p.tbs and p.sig may be stale after cryptoKey: they are not used below.)
    if (missing) return c.verifyPrepared(p.token, -1) || c.verify(text, at);
    const verifyAlg = ALGS[p.alg].verifyAlg;
    // tbs and sig are views into the module's memory, which the next call
    // into it, or another verify while this one waits, may overwrite.
    // WebCrypto copies what it is given at once; before anything else may
    // run, they are copied.
    let { tbs, sig } = p;
    let copied = false;
    const keep = () => {
      if (!copied) [tbs, sig, copied] = [tbs.slice(), sig.slice(), true];
    };
    let index = -1;
    let spec = null;
    let specIndex = -1;
    try {
      for (let i = 0; i < p.handles.length && index < 0; i++) {
        if (p.handles[i] === "0") continue;
        let entry = keys.get(p.alg + p.handles[i]);
        if (!entry || !entry.key) {
          keep(); // importing the key calls into the module, then waits
          if (!(entry = cryptoKey(p.handles[i], p.alg))) continue;
        }
        const key = entry.key || (await entry.promise);
        const pending = s.verify(verifyAlg, key, sig, tbs);
        if (specIndex < 0) {
          if (i + 1 < p.handles.length) keep();
          specIndex = i;
          spec = c.speculate(p.token, i);
        }
        if (await pending) index = i;
      }
    } catch {
      index = -1;
    }
    if (index >= 0 && index === specIndex && spec !== null) return JSON.parse(spec);
    // Not confirmed, or not the key speculated on; or the pass was
    // forgotten meanwhile (another verify, a new trust list): null.
    return c.verifyPrepared(p.token, index) || c.verify(text, at);
  };
}

/**
 * load fetches and starts the module, fetches the trust list, and resolves
 * to a verifier. See passcheck.d.ts for the options and the verifier.
 */
export async function load(options = {}) {
  mark("start");
  // What needs no module starts while the module is fetched and compiled:
  // the trust list's download and hash check (where WebCrypto hashes it)
  // and the revocation data's, the name of the stored sequence, and
  // WebCrypto's first key imports and verifies (tens of milliseconds the
  // first time in a process).
  const s = subtle();
  const keysOK = typeof options.trustKeys === "string" && options.trustKeys.includes("PUBLIC KEY");
  let pointerURL = null;
  try {
    pointerURL = trustListURL(options);
  } catch {
    // thrown again below, once the module has started, as before
  }
  // The trust list's download (the pointer, then the bundle), and the
  // revocation data the pointer names as soon as the pointer is read:
  // beside the bundle's download and hash check, not after them (each step
  // of either chain waits for a turn of the page's thread, which the
  // module's compile and start hold, and from the service worker for the
  // worker's).
  let revStarted = null;
  const early =
    keysOK && !(options.trustList instanceof Uint8Array) && pointerURL && s
      ? fetchBundle(pointerURL, null, (parsed) => (revStarted = prefetchRevocations(parsed, pointerURL, fetchCapped, s)))
      : null;
  // A pointer that failed its checks names no revocation data either:
  // refresh then says why.
  const earlyRev = early ? early.then(() => revStarted) : null;
  if (earlyRev) earlyRev.catch(() => {}); // awaited below, unless the module fails first
  const seqKeyEarly = keysOK ? storageKey(options.trustKeys) : null;
  if (seqKeyEarly) seqKeyEarly.catch(() => {}); // awaited below, unless the module fails first
  const fastOn = options.webCrypto !== false && s !== null;
  const webCryptoWarm = fastOn && options.warmUp !== false ? warmUpWebCrypto(s).catch(() => {}) : null;
  // Until WebCrypto's first calls are done, a verify takes the pure-Go
  // path, which the warm-up and the trust list's own signature check have
  // run already: WebCrypto's first use takes tens of milliseconds (in Node
  // it runs on the thread load() keeps busy), the pure-Go ES256 check
  // about one.
  let webCryptoWarmed = webCryptoWarm === null;
  if (webCryptoWarm) webCryptoWarm.then(() => (webCryptoWarmed = true));

  const mod = await module(options);
  if (!keysOK) {
    throw new PasscheckError("TRUSTLIST_KEY_INVALID", "load() needs trustKeys: the publisher's public key(s) in PEM");
  }
  if (!pointerURL) pointerURL = trustListURL(options);
  const api = mod.api.newSession();
  const c = calls(api, mod.exports);
  // The rule country (docs/rules.md): {country, region}; nothing chosen is the EU baseline.
  if (options.rules && typeof options.rules === "object") api.rules(options.rules);
  const trustKeys = options.trustKeys;
  const graceSeconds = Number.isSafeInteger(options.graceSeconds) && options.graceSeconds > 0 ? options.graceSeconds : 0;
  const seqKey = await seqKeyEarly;
  // Without WebCrypto (an insecure context) the module hashes the bundle.
  const moduleHash = typeof api.sha256 === "function" ? (bytes) => {
    const h = api.sha256(bytes);
    return typeof h === "string" ? h : "";
  } : null;
  const fast = fastOn ? fastPath(api, c, s) : null;

  let seenHere = "";
  let closed = false;

  function loadBytes(bundle) {
    if (closed) return failedLoad("WASM_UNAVAILABLE", "This verifier was closed.");
    if (!(bundle instanceof Uint8Array)) {
      return failedLoad("INPUT_INVALID", "The trust-list bundle must be a Uint8Array.");
    }
    // The highest sequence seen: stored (across reloads) or, where storage
    // is disabled or not kept (file:// pages in some browsers), at least
    // the one in use by this verifier; exact, as a decimal string.
    const stored = lastSeen(seqKey);
    const floor = compareSeq(stored, seenHere) >= 0 ? stored : seenHere;
    const r = api.loadTrustList(bundle, trustKeys, floor || 0, { graceSeconds });
    if (r.ok) {
      const seq = seqText(r.sequenceText) || seqText(r.sequence);
      if (compareSeq(seq, seenHere) > 0) seenHere = seq;
      remember(seqKey, seq);
    }
    return r;
  }

  let last = failedLoad("TRUSTLIST_MISSING", "No trust list has been loaded yet.");
  // The revocation list, fetched with the trust list and never because of
  // a pass (revocations.js).
  const rev = revocationsFor({ api, trustKeys, seqKey, lastSeen, remember, subtle, moduleHash, fetchCapped });

  // refreshTrustList fetches the list (first gives the download begun
  // during load, if any) and loads it, runs afterList (or null), then loads
  // the revocation data the list names (firstRev: its download begun during
  // load, if any).
  async function refreshTrustList(first, afterList, firstRev) {
    if (!pointerURL) {
      last = failedLoad("TRUSTLIST_UNAVAILABLE", "load() was given no trustListURL.");
      return last;
    }
    if (closed) return failedLoad("WASM_UNAVAILABLE", "This verifier was closed.");
    const got = await (first || fetchBundle(pointerURL, moduleHash));
    if (first) mark("bundle"); // load()'s download of the list, in hand
    last = got.error || loadBytes(got.bundle);
    if (afterList) afterList();
    if (!closed) await rev.refresh(got.parsed, pointerURL, firstRev ? await firstRev : null);
    return last;
  }

  // Warm up before load resolves: the first verify pays for first-run
  // costs (V8 compiles each function of the module on its first call), so
  // the module verifies a built-in pass once along the path a first verify
  // takes (the pure-Go one, see fastPath; with the list's state and the
  // rules), once the list is in and while the revocation data may still be
  // on its way.
  const afterList = () => {
    mark("trustlist");
    if (options.warmUp !== false) warmUpModule(api, c, fast !== null);
    mark("warmup");
  };
  if (options.trustList instanceof Uint8Array) {
    last = loadBytes(options.trustList);
    afterList();
    if (options.revocations) rev.loadBytes(options.revocations.index, options.revocations.parts, options.revocations.why);
  } else if (pointerURL) {
    await refreshTrustList(early, afterList, earlyRev);
  } else {
    afterList();
  }
  mark("revocations");

  const verifier = {
    /** The module's build version. */
    version: api.version,
    /** Whether scan() can decode QR codes (false in the build without the decoder). */
    canScan: api.qr !== false,
    /**
     * The compiled module (a WebAssembly.Module), for a worker that scans
     * camera frames off the page's thread (camera.js FrameWorker): a
     * worker instantiates it without fetching or compiling it again.
     */
    wasmModule: mod.module || null,

    /** verify checks a pass's text; it always resolves to a Result. */
    verify(text, opts) {
      if (closed) return Promise.resolve(closedResult());
      const at = opts && typeof opts.at === "number" ? opts.at : undefined;
      try {
        if (fast && webCryptoWarmed && typeof text === "string") return fast(text, at).catch(internalError);
        return Promise.resolve(c.verify(text, at));
      } catch (e) {
        return Promise.resolve(internalError(e));
      }
    },

    /**
     * scan returns the text of the QR code in an ImageData (or any
     * {data: Uint8ClampedArray, width, height}), or null when there is none,
     * the picture shows several (scanCodes tells them apart) or the image
     * cannot be used. {frame: true} marks a live camera frame, read by a
     * quicker ladder (the next frame follows soon anyway) that reads one code.
     */
    scan(image, options) {
      if (closed || !image || typeof image !== "object") return null;
      const frame = !!(options && options.frame);
      const r = api.scanImage(image.data, image.width, image.height, frame);
      return typeof r === "string" ? r : null;
    },

    /**
     * scanCodes returns the distinct texts of the QR codes in an uploaded
     * picture: one for a picture of one code, several for a picture of
     * several (ask for one at a time rather than guess which is meant), none
     * when there is no code or the image cannot be used.
     */
    scanCodes(image) {
      if (closed || !image || typeof image !== "object") return [];
      const r = api.scanImage(image.data, image.width, image.height, false);
      if (typeof r === "string") return [r];
      return Array.isArray(r) ? r.filter((t) => typeof t === "string") : [];
    },

    /** The trust list in use. */
    get trustList() {
      if (closed) return { ok: false, sequence: null, sequenceText: "", issuedAt: "", expiresAt: "", ageSeconds: null, signers: 0, errors: closedResult().errors, warnings: [], lastLoad: last, revocations: null };
      const st = api.status();
      const issued = Date.parse(st.issuedAt);
      return {
        ok: st.ok,
        sequence: st.sequence,
        sequenceText: seqText(st.sequenceText) || seqText(st.sequence),
        issuedAt: st.issuedAt,
        expiresAt: st.expiresAt,
        ageSeconds: Number.isNaN(issued) ? null : Math.max(0, Math.round((Date.now() - issued) / 1000)),
        signers: st.signers,
        errors: st.errors,
        warnings: st.warnings,
        lastLoad: last,
        revocations: rev.state(),
      };
    },

    /** The business rules in use: {ok, error, country, region, chosen, countries, rules, valueSets, leftOut, issuedAt}. */
    get rules() {
      return api.rules();
    },

    /** setRules chooses the rule country ("" default, "EU", "none" or a country code) and region. */
    setRules(choice) {
      return api.rules(choice && typeof choice === "object" ? choice : {});
    },

    /** evalRule evaluates one rule (JSON text) on {payload, external} (JSON text), as a rule test: {result, error}. */
    evalRule(rule, data) {
      return api.evalRule(rule, data);
    },

    /** refreshTrustList fetches the trust list again; the list in use stays when the new one fails. */
    refreshTrustList: () => refreshTrustList(null),

    /**
     * loadRevocationBytes loads a revocation index and its parts given as
     * bytes (an embedded list); index null, with why, says there is none.
     * It resolves to the state trustList.revocations then shows.
     */
    loadRevocationBytes(index, parts, why) {
      if (closed) return null;
      return rev.loadBytes(index, parts, why);
    },

    /** loadTrustListBytes loads a bundle given as bytes (a dropped file, an embedded list). */
    loadTrustListBytes(bundle) {
      last = loadBytes(bundle);
      return last;
    },

    /**
     * close frees what the verifier holds in the module (its session and
     * trust list). Calls after it answer "closed" (WASM_UNAVAILABLE); a
     * second close does nothing. A page that replaces a verifier closes
     * the old one, or the module keeps every list it ever loaded.
     */
    close() {
      if (closed) return;
      closed = true;
      if (typeof api.free === "function") api.free();
    },

    /** closed: close() was called. */
    get closed() {
      return closed;
    },
  };

  // WebCrypto's first key imports and verifies, begun at the start of
  // load, run on; verifier.warmedUp resolves once they are done too.
  verifier.warmedUp = options.warmUp === false ? Promise.resolve() : warmUpDone(fast ? webCryptoWarm : null);
  mark("ready");
  return verifier;
}

// Throwaway public keys (P-256 and RSA-2048), to warm WebCrypto's ECDSA and
// RSA-PSS up: the first use of each costs tens of milliseconds in Chromium.
const WARM_KEYS = {
  ES256: { kty: "EC", crv: "P-256", x: "vjwqYoZf5VwXsyT2c5WjGRsNVCRhazCvPXwHJlvAom4", y: "MRl1O222bCaIOyBRjZjZ1HVZCqoBg-0vQEIeRdfoW-g", ext: true },
  PS256: {
    kty: "RSA",
    n: "wIkr1gYxgdz38Y3fvY4nsEckU97sLuvY9CgbxSoKdZsKAvqCcwON3RHKE0mKjY4DZGn55nFA7kqeJsmbaYCMIrl-ra4-uGjdrE-HoMxMkxEoPk-cUeTYyn0IoVTOdmLZsle6pvl1DcuxsmaySQwY5kt3EjnVOsORgky0BOUMMTuaxV4OaQvZ7DbWuLE_qKSiCWYVy0LhCO2BKpiYvyTLcr4Xzb2UN5z8Kf95xavknLC9jfQhZ2ThqcIoSZ9MEOa2v09fqxPXGm7IDvkHEYD9LvxmS5SA9KmV_dR-9Pxs2b-hTlOXxtVEL1wgJ_PEAQwbkn7SOjVZvvCQ0R-yOOgRgw",
    e: "AQAB",
    ext: true,
  },
};

// warmUpModule runs the module's warm-up (wasm/warmup.go: the pure-Go
// path, whose ECDSA code the trust list's signature check has compiled
// already), and the exports and the ES module's glue a scan goes through,
// with a text that is no pass. Nothing in it is worth failing for.
function warmUpModule(api, c, webCrypto) {
  try {
    if (typeof api.warmUp === "function") api.warmUp(false);
    (webCrypto ? c.prepare : c.verify)("HC1:");
  } catch {
    // the verify path works without it
  }
}

// warmUpDone resolves once WebCrypto's warm-up (begun during load, or
// null) is done, and marks it. It never rejects.
function warmUpDone(webCrypto) {
  return (webCrypto || Promise.resolve())
    .catch(() => {})
    .then(() => mark("warm"));
}

async function warmUpWebCrypto(s) {
  const data = new TextEncoder().encode("passcheck");
  await Promise.all(
    Object.entries(WARM_KEYS).map(async ([alg, jwk]) => {
      const key = await s.importKey("jwk", jwk, ALGS[alg].importAlg, false, ["verify"]);
      await s.verify(ALGS[alg].verifyAlg, key, new Uint8Array(alg === "ES256" ? 64 : 256), data);
    }),
  );
}
