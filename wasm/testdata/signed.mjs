// signed.mjs drives the built module under Node for signed_node_test.go:
// the publisher's signatures of trust-list bundles and revocation indexes,
// checked by the module alone (webCrypto: false) and by WebCrypto
// (passcheck.js publisherCheck), and the raw API of that check
// (prepareSignature, signatureVerified). It reads a job (JSON) from the
// file named by its argument and prints one answer.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const store = new Map();
globalThis.localStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => store.set(k, String(v)),
  removeItem: (k) => store.delete(k),
};
const { load } = await import(pathToFileURL(job.module).href);
const wasm = readFileSync(job.wasm);
const b64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const codes = (r) => (r ? r.errors.map((e) => e.code) : null);

// The signatures WebCrypto confirmed.
const subtle = globalThis.crypto.subtle;
const realVerify = subtle.verify.bind(subtle);
let confirmed = 0;
subtle.verify = async (...args) => {
  const ok = await realVerify(...args);
  if (ok) confirmed++;
  return ok;
};

const modes = {
  // parity: each case (a bundle, maybe a revocation index, maybe loaded
  // after a first one that sets the rollback marks) through both paths:
  // what the list's load and the index's load said, and how many
  // signatures WebCrypto confirmed.
  async parity() {
    const out = {};
    for (const c of job.cases) {
      out[c.name] = {};
      for (const webCrypto of [false, true]) {
        store.clear();
        const opts = (bundle, index) => ({
          wasm,
          trustList: b64(bundle),
          trustKeys: job.keys,
          webCrypto,
          warmUp: false,
          revocations: index ? { index: b64(index), parts: [] } : undefined,
        });
        if (c.first) (await load(opts(c.first, c.firstIndex))).close();
        confirmed = 0;
        const v = await load(opts(c.bundle, c.index));
        const tl = v.trustList;
        out[c.name][webCrypto ? "fast" : "pure"] = {
          list: codes(tl.lastLoad),
          listOK: tl.lastLoad.ok,
          index: tl.revocations && tl.revocations.lastLoad ? codes(tl.revocations.lastLoad) : null,
          confirmed,
        };
        v.close();
      }
    }
    return out;
  },

  // tokens: the raw API of the outside check, given stale tokens, keys out
  // of range and arguments it does not take.
  async tokens() {
    const v = await load({ wasm, trustList: b64(job.good), trustKeys: job.keys, webCrypto: false, warmUp: false });
    const api = globalThis.passcheck.newSession();
    const good = b64(job.good);
    const tampered = b64(job.tampered);
    const out = {};
    const [token, tbs, sig, jwks] = api.prepareSignature(good, job.keys);
    out.prepared = { token: typeof token, keys: jwks.map((k) => k && k.crv), tbs: tbs.length, sig: sig.length };
    out.stale = api.signatureVerified(token + 1, 1);
    out.outOfRange = api.signatureVerified(token, jwks.length);
    out.negative = api.signatureVerified(token, -1);
    out.fraction = api.signatureVerified(token, 0.5);
    out.notNumber = api.signatureVerified(String(token), 1);
    out.missing = api.signatureVerified();
    out.valid = api.signatureVerified(token, 1);
    out.twice = api.signatureVerified(token, 1);
    // The answer for the good bundle does not carry a tampered one.
    out.tamperedAfterGood = codes(api.loadTrustList(tampered, job.keys));
    // A load makes a token stale: the trust list's, the revocations'.
    let q = api.prepareSignature(tampered, job.keys);
    api.loadTrustList(good, job.keys);
    out.afterLoad = api.signatureVerified(q[0], 1);
    q = api.prepareSignature(b64(job.index), job.keys);
    api.loadRevocations(null, [], job.keys, 0, "none");
    out.afterRevocations = api.signatureVerified(q[0], 1);
    q = api.prepareSignature(good, job.keys);
    api.prepareSignature(good, job.keys);
    out.afterPrepare = api.signatureVerified(q[0], 1);
    // Nothing to check outside: null, and nothing thrown.
    const nothing = {
      junk: [new Uint8Array(10), job.keys],
      string: ["bundle", job.keys],
      badKeys: [good, "no key"],
      keysNotString: [good, 5],
      none: [],
      huge: [new Uint8Array(9 << 20), job.keys],
    };
    out.nothing = {};
    for (const [name, args] of Object.entries(nothing)) {
      try {
        out.nothing[name] = api.prepareSignature(...args);
      } catch (e) {
        out.nothing[name] = { threw: String(e) };
      }
    }
    out.verdict = api.verify(job.pass).verdict;
    api.free();
    v.close();
    // WebCrypto's yes is what the module takes: with a WebCrypto that says
    // yes to anything, a tampered bundle loads on that path (and only on
    // that path), which shows that the path is taken.
    subtle.verify = async () => true;
    for (const webCrypto of [false, true]) {
      store.clear();
      const lied = await load({ wasm, trustList: tampered, trustKeys: job.keys, webCrypto, warmUp: false });
      out[webCrypto ? "liedFast" : "liedPure"] = codes(lied.trustList.lastLoad);
      lied.close();
    }
    return out;
  },
};

const answer = await modes[job.mode]();
process.stdout.write(JSON.stringify(answer), () => process.exit(0));
