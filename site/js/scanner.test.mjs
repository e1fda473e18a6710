// Tests of the Scanner (scanner.js), the controller the page and the widget
// share, with a fake verifier and a recording view; run by `node --test`
// from the Go test TestSiteJSUnit. The camera needs a browser: the browser
// tests (tools/passcheck) drive it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Scanner } from "./scanner.js";

// recorder is a view that records what the Scanner asked of it.
function recorder() {
  const calls = [];
  const view = {
    calls,
    alive: true,
    status: (key, vars) => calls.push(["status", key, vars]),
    inputs: (on) => calls.push(["inputs", on]),
    trust: () => calls.push(["trust"]),
    show: (result, source) => {
      calls.push(["show", result.verdict, source]);
      return { shown: result.verdict };
    },
    camera: (st) => calls.push(["camera", st]),
    active: () => view.alive,
    statuses: () => calls.filter((c) => c[0] === "status").map((c) => c[1]),
  };
  return view;
}

const LIST = { ok: true, sequence: 7, issuedAt: "2026-03-01T00:00:00Z", expiresAt: "2026-03-08T00:00:00Z", signers: 2, errors: [], lastLoad: { ok: true, errors: [] } };

// fakeVerifier answers verify with result, after gate resolves when given.
function fakeVerifier({ result = { verdict: "valid", valid: true, errors: [], warnings: [] }, gate = null, trustList = LIST } = {}) {
  const v = {
    texts: [],
    refreshes: 0,
    trustList,
    async verify(text) {
      v.texts.push(text);
      if (gate) await gate;
      if (result instanceof Error) throw result;
      return result;
    },
    async refreshTrustList() {
      v.refreshes++;
      v.trustList = { ...LIST, sequence: 8 };
      return { ok: true, errors: [] };
    },
  };
  return v;
}

test("start: loading, then ready with the inputs on", async () => {
  const view = recorder();
  const s = new Scanner(view);
  assert.equal(s.trust().state, "loading");
  const v = fakeVerifier();
  const r = await s.start(async () => {
    assert.equal(s.phase, "loading");
    assert.equal(s.trust().state, "loading");
    return v;
  });
  assert.deepEqual(r, { ok: true });
  assert.equal(s.verifier, v);
  assert.deepEqual(view.statuses(), ["app.loading", ""]);
  assert.deepEqual(view.calls.filter((c) => c[0] === "inputs"), [["inputs", false], ["inputs", true]]);
  assert.equal(s.trust(Date.parse("2026-03-02T00:00:00Z")).state, "ok");
  assert.equal(s.trust(Date.parse("2026-03-09T00:00:00Z")).state, "expired");
});

test("start: a verifier that cannot start says why, in one place", async () => {
  const view = recorder();
  const s = new Scanner(view);
  const err = Object.assign(new Error("the module did not start"), { code: "WASM_UNAVAILABLE" });
  const r = await s.start(() => Promise.reject(err));
  assert.deepEqual(r, { ok: false, code: "WASM_UNAVAILABLE", message: "the module did not start" });
  assert.equal(s.phase, "failed");
  const ts = s.trust();
  assert.equal(ts.state, "missing");
  assert.equal(ts.code, "WASM_UNAVAILABLE");
  const last = view.calls.filter((c) => c[0] === "status").pop();
  assert.deepEqual(last, ["status", "app.loadFailed", { error: "WASM_UNAVAILABLE: the module did not start" }]);
  // Without a code: WASM_UNAVAILABLE.
  assert.equal((await s.start(() => Promise.reject(new Error("x")))).code, "WASM_UNAVAILABLE");
  // Checks do nothing without a verifier.
  assert.equal(await s.check("HC1:x"), null);
});

test("start: the load error is the trust list's own, for page and widget alike", async () => {
  const s = new Scanner(recorder());
  const noList = { ok: false, sequence: null, issuedAt: "", expiresAt: "", signers: 0, errors: [{ code: "TRUSTLIST_MISSING" }], lastLoad: { ok: false, errors: [{ code: "TRUSTLIST_UNAVAILABLE" }] } };
  await s.start(async () => fakeVerifier({ trustList: noList }));
  assert.deepEqual([s.trust().state, s.trust().code], ["missing", "TRUSTLIST_UNAVAILABLE"]);
});

test("start: a later start wins over an earlier one", async () => {
  const view = recorder();
  const s = new Scanner(view);
  let release;
  const slow = s.start(() => new Promise((r) => (release = r)));
  const v2 = fakeVerifier();
  await s.start(async () => v2);
  release(fakeVerifier());
  assert.deepEqual(await slow, { ok: false, code: "", message: "" });
  assert.equal(s.verifier, v2);
});

test("check: one at a time, trimmed, shown with its source", async () => {
  const view = recorder();
  const s = new Scanner(view);
  let open;
  const gate = new Promise((r) => (open = r));
  const v = fakeVerifier({ gate });
  await s.start(async () => v);

  assert.equal(await s.check("   "), null);
  assert.equal(view.statuses().pop(), "scan.pasteEmpty");
  assert.equal(await s.check(null), null);

  const first = s.check("  HC1:ONE \n", "paste");
  assert.equal(s.busy, true);
  // A second text while the first is checked is dropped.
  assert.equal(await s.check("HC1:TWO", "hid"), null);
  open();
  assert.deepEqual(await first, { shown: "valid" });
  assert.equal(s.busy, false);
  assert.deepEqual(v.texts, ["HC1:ONE"]);
  assert.deepEqual(view.calls.filter((c) => c[0] === "show"), [["show", "valid", "paste"]]);
  assert.equal(s.result.verdict, "valid");

  s.next();
  assert.equal(s.result, null);
  assert.equal(view.statuses().pop(), "");
});

test("check: a verify that throws is cannot-check, not a judgement", async () => {
  const view = recorder();
  const s = new Scanner(view);
  await s.start(async () => fakeVerifier({ result: new Error("boom") }));
  await s.check("HC1:X", "api");
  assert.equal(s.result.verdict, "cannot-check");
  assert.deepEqual(s.result.errors.map((e) => e.code), ["INTERNAL_ERROR"]);
  assert.equal(s.busy, false);
});

test("check: nothing is shown once the view is gone", async () => {
  const view = recorder();
  const s = new Scanner(view);
  let open;
  await s.start(async () => fakeVerifier({ gate: new Promise((r) => (open = r)) }));
  const p = s.check("HC1:X", "camera");
  view.alive = false;
  open();
  assert.equal(await p, null);
  assert.equal(s.result, null);
  assert.equal(view.calls.filter((c) => c[0] === "show").length, 0);
});

test("refresh: fetches again and redraws the trust line", async () => {
  const view = recorder();
  const s = new Scanner(view);
  await s.refresh(); // no verifier: nothing
  const v = fakeVerifier();
  await s.start(async () => v);
  const before = view.calls.filter((c) => c[0] === "trust").length;
  await s.refresh();
  assert.equal(v.refreshes, 1);
  assert.equal(view.calls.filter((c) => c[0] === "trust").length, before + 1);
  assert.equal(s.trust(Date.parse("2026-03-02T00:00:00Z")).sequence, 8);
  // A refresh that throws still redraws.
  v.refreshTrustList = async () => {
    throw new Error("offline");
  };
  await s.refresh();
  assert.equal(view.calls.filter((c) => c[0] === "trust").length, before + 2);
});
