// runner.mjs drives the built module under Node for the Go tests in wasm/
// (node_test.go) and the Node benchmark (make bench-wasm). It reads a job
// (JSON) from the file named by its argument and prints one JSON answer.
//
// The module is used through the public ES module site/js/passcheck.js,
// copied by the test beside Go's wasm_exec.js; "raw" steps call the wasm's
// own globalThis.passcheck API.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { benchVerify } from "./benchverify.mjs";
import { ruleModes } from "./rules.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
// The soak mode reads the module's memory: the instance is caught here.
let lastInstance = null;
{
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async (...args) => {
    const r = await instantiate(...args);
    lastInstance = r.instance || r;
    return r;
  };
}
// A localStorage for the modes that need the rollback memory.
if (job.storage) {
  const m = new Map();
  globalThis.localStorage = {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
    get length() { return m.size; },
    key: (i) => [...m.keys()][i] ?? null,
    dump: () => Object.fromEntries(m),
  };
}

// serve answers the paths of routes: a Buffer, or "endless" (a chunked
// body that never ends); it counts the bytes sent.
async function serve(routes) {
  const state = { sent: 0 };
  const server = createServer((req, res) => {
    const r = routes[new URL(req.url, "http://x").pathname];
    if (r === undefined) return res.writeHead(404).end();
    if (r !== "endless") return res.end(r);
    res.writeHead(200);
    const chunk = Buffer.alloc(64 << 10, 0x41);
    let stop = false;
    req.on("close", () => (stop = true));
    const pump = () => {
      while (!stop && state.sent < 2 ** 31) {
        state.sent += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
    };
    pump();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, state, close: () => { server.closeAllConnections(); server.close(); } };
}
const t0 = performance.now();
const { load } = await import(pathToFileURL(job.module).href);
const wasm = readFileSync(job.wasm);
const b64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

async function verifier(l, webCrypto, warmUp) {
  const revocations = l.revocations ? { index: b64(l.revocations.index), parts: l.revocations.parts.map(b64) } : undefined;
  return load({ wasm, trustList: b64(l.bundle), trustKeys: l.keys, revocations, webCrypto, graceSeconds: l.graceSeconds, warmUp });
}

const modes = {
  // parity: every case through the pure-Go path and the WebCrypto path
  // (twice: a signer's first pass, and one after its key's import), with
  // the number of signatures WebCrypto confirmed on the second (so that
  // the test can tell the WebCrypto path from its pure-Go fallback).
  async parity() {
    const subtle = globalThis.crypto.subtle;
    const real = subtle.verify.bind(subtle);
    let confirmed = 0;
    subtle.verify = async (...args) => {
      const ok = await real(...args);
      if (ok) confirmed++;
      return ok;
    };
    const out = {};
    for (const group of job.groups) {
      const pure = await verifier(group, false);
      const fast = await verifier(group, true);
      await fast.warmedUp;
      if (!pure.trustList.ok) throw new Error("trust list did not load: " + JSON.stringify(pure.trustList));
      for (const c of group.cases) {
        const p = await pure.verify(c.text, { at: c.at });
        const f = await fast.verify(c.text, { at: c.at });
        // A signer's first pass is checked by the module alone while its
        // key is imported (passcheck.js fastPath); the passes after it are
        // WebCrypto's to confirm: verified again until WebCrypto has
        // confirmed one (a valid pass) or at once (the others).
        let again;
        for (let tries = 0; tries < 50; tries++) {
          await new Promise((r) => setTimeout(r, tries));
          confirmed = 0;
          again = await fast.verify(c.text, { at: c.at });
          if (confirmed > 0 || !again.valid) break;
        }
        out[c.name] = { pure: p, fast: f, again, webCrypto: confirmed };
      }
    }
    return out;
  },

  // verdict: every case through the pure-Go path and the WebCrypto path,
  // against trust lists that may fail to load or be in their grace period;
  // the verdict, valid, the error codes and whether a signer verified.
  async verdict() {
    const out = {};
    const brief = (r) => ({ verdict: r.verdict, valid: r.valid, errors: r.errors.map((e) => e.code), signed: r.signer !== null });
    for (const group of job.groups) {
      const pure = await verifier(group, false);
      const fast = await verifier(group, true);
      await fast.warmedUp;
      for (const c of group.cases) {
        out[c.name] = { pure: brief(await pure.verify(c.text, { at: c.at })), fast: brief(await fast.verify(c.text, { at: c.at })) };
      }
    }
    return out;
  },

  // trust: a sequence of loads and verifies on one verifier, for the
  // trust-list state tests (rollback, wrong key, expiry, keep the old list).
  async trust() {
    const pc = await verifier(job.groups[0], job.webCrypto !== false);
    const steps = [{ op: "initial", load: pc.trustList.lastLoad, status: pc.trustList }];
    for (const s of job.steps) {
      if (s.op === "load") {
        steps.push({ op: s.op, load: pc.loadTrustListBytes(b64(s.bundle)), status: pc.trustList });
      } else {
        steps.push({ op: s.op, result: await pc.verify(s.text, { at: s.at }) });
      }
    }
    return steps;
  },

  // hostile: bad arguments through the raw API and the ES module; after
  // each, a valid pass must still verify.
  async hostile() {
    const pc = await verifier(job.groups[0], true);
    const good = job.groups[0].cases[0];
    // A second instance of the module, whose exports (wasm/exports_js.go)
    // are called directly; it replaces globalThis.passcheck, while pc keeps
    // the first instance's.
    const go = new globalThis.Go();
    const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
    go.run(instance);
    const raw = globalThis.passcheck;
    const listed = raw.newSession();
    listed.loadTrustList(b64(job.groups[0].bundle), job.groups[0].keys);
    const x = instance.exports;
    const put = (text) => {
      const at = x.pc_input(text.length * 3);
      return new TextEncoder().encodeInto(text, new Uint8Array(x.mem.buffer, at, text.length * 3)).written;
    };
    // An export's answer: the Result it wrote (JSON), or null for -1.
    const answer = (n) => (n < 0 ? null : JSON.parse(new TextDecoder().decode(new Uint8Array(x.mem.buffer, x.pc_output(), n))));
    const ex = {
      verify: (...a) => answer(x.pc_verify(...a)),
      prepare: (...a) => answer(x.pc_prepare(...a)),
      speculate: (...a) => answer(x.pc_speculate(...a)),
      verifyPrepared: (...a) => answer(x.pc_verifyPrepared(...a)),
    };
    const huge = "HC1:" + "A".repeat(50 << 20);
    const calls = {
      "verify(number)": () => raw.verify(42),
      "verify(undefined)": () => raw.verify(),
      "verify(object)": () => raw.verify({ toString: () => good.text }),
      "verify(huge)": () => raw.verify(huge),
      "verify(bad clock)": () => raw.verify(good.text, "yesterday"),
      "verify(NaN clock)": () => raw.verify(good.text, NaN),
      "verify(far clock)": () => raw.verify(good.text, 1e20),
      "verify(binary junk)": () => raw.verify("HC1:\u0000\uffff\ud800" + "%".repeat(4000)),
      "module verify(null)": () => pc.verify(null),
      "module verify(huge)": () => pc.verify(huge),
      "export verify(no session)": () => ex.verify(1e6, put(good.text), 0, 0),
      "export verify(length past input)": () => ex.verify(listed.id, 1e9, 0, 0),
      "export verify(NaN clock)": () => ex.verify(listed.id, put(good.text), 1, NaN),
      "export verify(far clock)": () => ex.verify(listed.id, put(good.text), 1, -1e300),
      "export verify(junk)": () => ex.verify(listed.id, put("HC1:\u0000\uffff\ud800" + "%".repeat(4000)), 0, 0),
      "export verify(good)": () => ex.verify(listed.id, put(good.text), 1, good.at),
      "export prepare(junk)": () => ex.prepare(listed.id, put("HC1:A"), 0, 0),
      "export prepare(no session)": () => ex.prepare(-1, put(good.text), 0, 0),
      "export input(huge)": () => (x.pc_input(1e9) === 0 && x.pc_input(-1) === 0 ? null : "not refused"),
      "export speculate(stale)": () => ex.speculate(listed.id, 1e300, 0),
      "export speculate(junk)": () => ex.speculate(1e6, -5, 1e9),
      "export verifyPrepared(stale)": () => ex.verifyPrepared(listed.id, 12345, 0),
      "export verifyPrepared(no session)": () => ex.verifyPrepared(1e6, 1, 0),
      "loadTrustList(string)": () => raw.newSession().loadTrustList("bundle", job.groups[0].keys),
      "loadTrustList(undefined)": () => raw.newSession().loadTrustList(),
      "loadTrustList(junk)": () => raw.newSession().loadTrustList(new Uint8Array(1000).fill(0xff), job.groups[0].keys),
      "loadTrustList(bad keys)": () => raw.newSession().loadTrustList(b64(job.groups[0].bundle), "not a key"),
      "loadTrustList(negative sequence)": () => raw.newSession().loadTrustList(b64(job.groups[0].bundle), job.groups[0].keys, -1),
      "scanImage(10000x10000 short)": () => raw.scanImage(new Uint8ClampedArray(16), 10000, 10000),
      "scanImage(short buffer)": () => raw.scanImage(new Uint8ClampedArray(16), 100, 100),
      "scanImage(string)": () => raw.scanImage("pixels", 2, 2),
      "scanImage(no size)": () => raw.scanImage(new Uint8ClampedArray(16)),
      "scanImage(fraction)": () => raw.scanImage(new Uint8ClampedArray(16), 1.5, 2),
      "scanImage(blank)": () => raw.scanImage(new Uint8ClampedArray(4 * 64 * 64), 64, 64),
      "module scan(junk)": () => pc.scan({ data: "x", width: 1e9, height: 1e9 }),
    };
    const out = { qr: raw.qr };
    for (const [name, f] of Object.entries(calls)) {
      let r;
      try {
        r = await f();
      } catch (e) {
        r = { thrown: String(e && e.stack) };
      }
      const after = await pc.verify(good.text, { at: good.at });
      out[name] = { result: r, afterValid: after.valid };
    }
    return out;
  },

  // startup: a cold process's import of the ES module, and load() with
  // the module's bytes in memory: compile, instantiate, run, trust list;
  // then until the warm-up that follows is done.
  async startup() {
    const importMs = performance.now() - t0;
    const a = performance.now();
    const pc = await verifier(job.groups[0], true, job.warmUp);
    const readyMs = performance.now() - a;
    await pc.warmedUp;
    const warmedMs = performance.now() - a;
    if (!pc.trustList.ok) throw new Error("trust list: " + JSON.stringify(pc.trustList));
    return { importMs, readyMs, warmedMs };
  },

  // bench: start-up (import, instantiate-to-ready) and verify times
  // through both paths: the first call after load, and the median of many.
  async bench() {
    const out = { importMs: performance.now() - t0 };
    let a = performance.now();
    const pure = await verifier(job.groups[0], false);
    out.readyMs = performance.now() - a;
    a = performance.now();
    const fast = await verifier(job.groups[0], true);
    out.secondReadyMs = performance.now() - a;
    // The first scan comes after the warm-up, which runs once load resolved.
    await Promise.all([pure.warmedUp, fast.warmedUp]);
    // CPU time of the whole process (WebCrypto's thread pool included),
    // which other programs on the machine do not inflate as they do wall
    // time.
    const cpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    Object.assign(out, await benchVerify({ pure, fast }, job.groups[0].cases, { warmMs: job.warmMs, batches: job.iterations, batch: 1, cpu }));
    return out;
  },
};

Object.assign(modes, {
  // soak: load() job.loads times, each verifier closed when the next is
  // loaded (as a page or the widget replaces one), with one verify each;
  // the module's memory and the JavaScript heap after each hundred.
  async soak() {
    const g = job.groups[0];
    const c = g.cases[0];
    const samples = [];
    let prev = null;
    let valid = 0;
    for (let i = 1; i <= job.loads; i++) {
      const v = await load({ wasm, trustList: b64(g.bundle), trustKeys: g.keys, webCrypto: false, warmUp: false });
      if (prev) prev.close();
      if ((await v.verify(c.text, { at: c.at })).valid) valid++;
      prev = v;
      if (i % 100 === 0) {
        if (globalThis.gc) globalThis.gc();
        samples.push({ loads: i, wasmBytes: lastInstance.exports.mem.buffer.byteLength, jsHeap: process.memoryUsage().heapUsed });
      }
    }
    prev.close();
    prev.close(); // twice: nothing happens
    const afterClose = await prev.verify(c.text, { at: c.at });
    return { samples, valid, closedCodes: afterClose.errors.map((e) => e.code), closedFlag: prev.closed };
  },

  // sequence: trust lists with sequences above 2^53 loaded one after the
  // other with the rollback memory of localStorage, a fresh verifier each
  // time (a reload): what each load said, and the stored mark.
  async sequence() {
    const out = [];
    for (const g of job.groups) {
      const v = await load({ wasm, trustList: b64(g.bundle), trustKeys: g.keys, webCrypto: false, warmUp: false });
      const r = v.trustList.lastLoad;
      out.push({ ok: r.ok, codes: r.errors.map((e) => e.code), sequenceText: r.sequenceText || "", inUse: v.trustList.sequenceText, mark: Object.values(globalThis.localStorage.dump()).join(",") });
      v.close();
    }
    return out;
  },

  // fetch: load() from a server (trustListURL) that answers as job.routes
  // say (base64 bodies, or "endless"), with WebCrypto hidden when
  // job.noSubtle: the load's codes, the bytes the server sent, and how much
  // the process grew.
  async fetch() {
    if (job.noSubtle) Object.defineProperty(globalThis.crypto, "subtle", { value: undefined, configurable: true });
    const routes = {};
    for (const [k, v] of Object.entries(job.routes)) routes[k] = v === "endless" ? v : Buffer.from(v, "base64");
    const srv = await serve(routes);
    try {
      const g = job.groups[0];
      const rss0 = process.memoryUsage().rss;
      const v = await load({ wasm, trustListURL: srv.url + "/trustlist.json", trustKeys: g.keys, webCrypto: false, warmUp: false });
      const r = v.trustList.lastLoad;
      return { ok: r.ok, codes: r.errors.map((e) => e.code), messages: r.errors.map((e) => e.message), sent: srv.state.sent, grown: process.memoryUsage().rss - rss0, subtle: !!(globalThis.crypto && globalThis.crypto.subtle) };
    } finally {
      srv.close();
    }
  },
});

Object.assign(modes, ruleModes(job, verifier, b64));
const answer = await modes[job.mode]();
// Exit only once the answer is written: a pipe is written asynchronously.
process.stdout.write(JSON.stringify(answer), () => process.exit(0));
