// benchverify.mjs times verify through the pure-Go and the WebCrypto
// verifiers of the ES module, for make bench-wasm: in Node (runner.mjs) and
// in headless Chromium (the page of wasm/bench_test.go imports it).
//
// For each case and path: the first verify; then every case and path
// round-robin for warmMs, so that V8 has tiered the hot code up (its
// optimising compiler runs on background threads, and on two cores a verify
// took about ten seconds of this to settle in Chromium); then `batches`
// batches of `batch` calls, whose per-call times give the median and the
// best. Chromium's clock is coarsened to 100 µs, hence batches; Node times
// single calls. cpu, when given, reads the process's CPU time in ms.
export async function benchVerify(verifiers, cases, { warmMs, batches, batch, cpu }) {
  const out = {};
  const runs = [];
  for (const c of cases) {
    for (const [path, pc] of Object.entries(verifiers)) {
      const a = performance.now();
      const first = await pc.verify(c.text, { at: c.at });
      out[c.name + "/" + path] = { firstMs: performance.now() - a };
      if (!first.valid) throw new Error(c.name + " " + path + ": " + JSON.stringify(first.errors));
      runs.push([c, path, pc]);
    }
  }
  for (const until = performance.now() + warmMs; performance.now() < until; ) {
    for (const [c, , pc] of runs) for (let i = 0; i < 5; i++) await pc.verify(c.text, { at: c.at });
  }
  for (const [c, path, pc] of runs) {
    const per = [];
    const cpu0 = cpu && cpu();
    for (let b = 0; b < batches; b++) {
      const a = performance.now();
      for (let i = 0; i < batch; i++) await pc.verify(c.text, { at: c.at });
      per.push((performance.now() - a) / batch);
    }
    per.sort((x, y) => x - y);
    const r = Object.assign(out[c.name + "/" + path], { medianMs: per[per.length >> 1], minMs: per[0] });
    if (cpu) r.cpuMs = (cpu() - cpu0) / (batches * batch);
  }
  return out;
}
