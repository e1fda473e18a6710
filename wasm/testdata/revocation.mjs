// revocation.mjs drives the built module under Node for the revocation
// tests and the benchmark of wasm/ (revocation_node_test.go). It reads a
// job (JSON) from the file named by its argument and prints one answer.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
{
  const m = new Map();
  globalThis.localStorage = {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
  };
}
const { load } = await import(pathToFileURL(job.module).href);
const wasm = readFileSync(job.wasm);
const b64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const revs = (r) => ({ index: r.index === null ? null : b64(r.index), parts: r.parts.map((p) => (p === null ? null : b64(p))) });

const modes = {
  // parity: every case through the pure-Go and WebCrypto paths, with the
  // revocation data given as bytes; then each step of job.steps (loads of
  // other revocation data, and verifies) on the WebCrypto verifier.
  async parity() {
    const out = { cases: {}, state: null, steps: [] };
    const opts = (webCrypto) => ({ wasm, trustList: b64(job.bundle), trustKeys: job.keys, webCrypto, revocations: revs(job.revocations) });
    const pure = await load(opts(false));
    const fast = await load(opts(true));
    await fast.warmedUp;
    out.state = fast.trustList.revocations;
    for (const c of job.cases) {
      out.cases[c.name] = { pure: await pure.verify(c.text, { at: c.at }), fast: await fast.verify(c.text, { at: c.at }) };
    }
    for (const s of job.steps || []) {
      if (s.op === "load") {
        const r = revs(s.revocations);
        out.steps.push({ op: s.op, state: fast.loadRevocationBytes(r.index, r.parts, s.why) });
      } else {
        out.steps.push({ op: s.op, result: await fast.verify(s.text, { at: s.at }) });
      }
    }
    return out;
  },

  // hostile: the raw API's loadRevocations given arguments that are not
  // what it takes; each answer, then the answer to the good data and a
  // verify, which show that the module still works.
  async hostile() {
    const pc = await load({ wasm, trustList: b64(job.bundle), trustKeys: job.keys, webCrypto: false, warmUp: false });
    const api = globalThis.passcheck.newSession();
    api.loadTrustList(b64(job.bundle), job.keys);
    const r = revs(job.revocations);
    // An array whose length grows each time it is read.
    let reads = 0;
    const liar = new Proxy([], { get: (t, k) => (k === "length" ? (reads++ ? 1e9 : 1) : k === "0" ? null : Reflect.get(t, k)) });
    const calls = {
      partsNotArray: [r.index, "parts", job.keys],
      partsObject: [r.index, { length: 1, 0: r.parts[0] }, job.keys],
      tooManyParts: [r.index, new Array(65).fill(null), job.keys],
      partString: [r.index, ["x"], job.keys],
      partTooLarge: [r.index, [new Uint8Array(64 * 1024 * 1024 + 1)], job.keys],
      indexNumber: [5, r.parts, job.keys],
      keysNotString: [r.index, r.parts, 7],
      lastSeenNegative: [r.index, r.parts, job.keys, -1],
      lyingLength: [r.index, liar, job.keys],
    };
    const out = { answers: {} };
    for (const [name, args] of Object.entries(calls)) {
      try {
        out.answers[name] = api.loadRevocations(...args);
      } catch (e) {
        out.answers[name] = { threw: String(e) };
      }
    }
    out.good = api.loadRevocations(r.index, r.parts, job.keys);
    out.verdict = api.verify(job.pass).verdict;
    pc.close();
    return out;
  },

  // bench: the raw API (globalThis.passcheck): loadRevocations of job's
  // index and parts, timed (the first call, then the median of the
  // others), the module's memory after it, and the cost of a verify with
  // and without the revocation data.
  async bench() {
    const pc = await load({ wasm, trustList: b64(job.bundle), trustKeys: job.keys, webCrypto: false, warmUp: false });
    const api = globalThis.passcheck.newSession();
    api.loadTrustList(b64(job.bundle), job.keys);
    const r = revs(job.revocations);
    const loads = [];
    let answer;
    for (let i = 0; i < job.runs; i++) {
      const t = performance.now();
      answer = api.loadRevocations(r.index, r.parts, job.keys);
      loads.push(performance.now() - t);
    }
    if (!answer.ok) throw new Error("loadRevocations: " + JSON.stringify(answer));
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const verifyTime = (s) => {
      for (let i = 0; i < 50; i++) s.verify(job.pass);
      const xs = [];
      for (let k = 0; k < 15; k++) {
        const t = performance.now();
        for (let i = 0; i < 100; i++) s.verify(job.pass);
        xs.push(((performance.now() - t) / 100) * 1000);
      }
      return median(xs);
    };
    const plain = globalThis.passcheck.newSession();
    plain.loadTrustList(b64(job.bundle), job.keys);
    const without = verifyTime(plain);
    const withRev = verifyTime(api);
    const result = api.verify(job.pass);
    pc.close();
    return {
      entries: answer.entries,
      firstLoadMs: loads[0],
      medianLoadMs: median(loads.slice(1)),
      verifyUs: withRev,
      verifyWithoutUs: without,
      verdict: result.verdict,
    };
  },
};

const answer = await modes[job.mode]();
process.stdout.write(JSON.stringify(answer));
process.exit(0);
