// Tests of the kiosk's decisions (kiosk.js), run by `node --test` from the
// Go test TestSiteJSUnit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kioskSetting, Tally, HoldTimer, Kiosk, DEFAULT_HOLD_SECONDS, MAX_HOLD_SECONDS, REPEAT_GRACE_MS } from "./kiosk.js";
import { fingerprint } from "./scanner.js";

test("kioskSetting reads ?kiosk and the build's setting", () => {
  const cases = [
    { search: "", built: null, want: null },
    { search: "?lang=vi", built: {}, want: null },
    { search: "?kiosk", built: null, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "?kiosk=", built: null, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "?kiosk=on", built: null, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "?kiosk=2", built: null, want: 2000 },
    { search: "?kiosk=1.5", built: null, want: 1500 },
    { search: "?x=1&kiosk=8", built: null, want: 8000 },
    { search: "?kiosk=0.1", built: null, want: 1000 }, // clamped up
    { search: "?kiosk=99999", built: null, want: MAX_HOLD_SECONDS * 1000 }, // clamped down
    { search: "?kiosk=abc", built: null, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "?kiosk=-3", built: null, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "", built: { kiosk: true }, want: DEFAULT_HOLD_SECONDS * 1000 },
    { search: "", built: { kiosk: true, kioskHoldSeconds: 10 }, want: 10000 },
    { search: "?kiosk", built: { kiosk: false, kioskHoldSeconds: 7 }, want: 7000 },
    { search: "?kiosk=3", built: { kiosk: true, kioskHoldSeconds: 10 }, want: 3000 },
    { search: "?kiosk=0", built: { kiosk: true }, want: null },
    { search: "?kiosk=off", built: { kiosk: true }, want: null },
    { search: "", built: { kiosk: "yes" }, want: null }, // only a real true
  ];
  for (const c of cases) {
    const got = kioskSetting(c.search, c.built);
    assert.deepEqual(got === null ? null : got.holdMs, c.want, `${c.search} ${JSON.stringify(c.built)}`);
  }
  assert.equal(kioskSetting(undefined, undefined), null);
});

test("Tally counts verdicts, not texts that are not passes", () => {
  const t = new Tally();
  const counted = [];
  for (const v of ["valid", "valid", "invalid", "cannot-check", "valid", "not-a-pass", "bogus", undefined]) counted.push(t.add(v));
  assert.deepEqual(counted, [true, true, true, true, true, false, true, true]);
  assert.equal(t.valid, 3);
  assert.equal(t.invalid, 1);
  // Anything unknown counts as "cannot check", never as valid.
  assert.equal(t.cannotCheck, 3);
  assert.equal(t.notValid, 4);
  assert.equal(t.total, 7);
});

test("Tally counts a pass held in front of the camera once", () => {
  const hold = 5000;
  const t = new Tally(hold + REPEAT_GRACE_MS);
  const pass = fingerprint("HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-E6GPTDO6C58XMRJ0");
  const other = fingerprint("HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-E6GPTDO6C58XMRJ1");
  assert.notEqual(pass, other);
  // One pass held for 12 s: seen when it is shown, and again each time
  // the verdict clears (every hold plus the time to find it again).
  const sightings = [0, 5200, 10400];
  assert.deepEqual(sightings.map((at) => t.add("valid", pass, at)), [true, false, false]);
  assert.equal(t.valid, 1);
  // The window runs from the last sighting: still the same visitor at 20 s.
  assert.equal(t.add("valid", pass, 20000), false);
  // A menu QR code in view meanwhile is neither counted nor breaks the chain.
  for (let at = 20100; at < 30000; at += 2500) assert.equal(t.add("not-a-pass", fingerprint("https://menu.example/"), at), false);
  assert.equal(t.add("valid", pass, 29000), false);
  // Another pass counts; the first one back later counts again.
  assert.equal(t.add("invalid", other, 29500), true);
  assert.equal(t.add("valid", pass, 30000), true);
  assert.equal(t.add("valid", pass, 30000 + hold + REPEAT_GRACE_MS + 1), true);
  assert.equal(t.valid, 3);
  assert.equal(t.invalid, 1);
  // Without fingerprints (or without a window) every verdict counts.
  const plain = new Tally();
  assert.deepEqual([plain.add("valid", pass, 0), plain.add("valid", pass, 1)], [true, true]);
});

// fakeTimers is a manual clock for HoldTimer.
function fakeTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map();
  return {
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { fn, at: now + ms });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    advance(ms) {
      now += ms;
      for (const [id, p] of [...pending]) {
        if (p.at <= now) {
          pending.delete(id);
          p.fn();
        }
      }
    },
  };
}

test("HoldTimer expires holdMs after the last hold", () => {
  const clock = fakeTimers();
  let expired = 0;
  const h = new HoldTimer(2000, () => expired++, clock);
  h.hold();
  assert.equal(h.holding, true);
  clock.advance(1999);
  assert.equal(expired, 0);
  clock.advance(1);
  assert.equal(expired, 1);
  assert.equal(h.holding, false);

  // A second verdict during the hold gets its full time.
  h.hold();
  clock.advance(1500);
  h.hold();
  clock.advance(1500);
  assert.equal(expired, 1);
  clock.advance(500);
  assert.equal(expired, 2);

  h.hold();
  h.cancel();
  clock.advance(5000);
  assert.equal(expired, 2);
});

// fakeWakeLock stands in for navigator.wakeLock: it hands out locks that
// the test can release, as a browser does when the page is hidden.
function fakeWakeLock() {
  const wl = {
    requests: 0,
    locks: [],
    async request(type) {
      assert.equal(type, "screen");
      wl.requests++;
      const listeners = [];
      const lock = {
        released: false,
        addEventListener: (ev, fn) => ev === "release" && listeners.push(fn),
        async release() {
          lock.released = true;
          for (const fn of listeners) fn();
        },
      };
      wl.locks.push(lock);
      return lock;
    },
  };
  return wl;
}

test("the wake lock is taken, and taken again when the page is visible again", async () => {
  const wl = fakeWakeLock();
  Object.defineProperty(globalThis, "navigator", { value: { wakeLock: wl }, configurable: true, writable: true });
  const doc = { documentElement: { dataset: {} }, visibilityState: "visible" };
  const k = new Kiosk({ holdMs: 1000, document: doc });
  await k.acquireWakeLock();
  assert.equal(doc.documentElement.dataset.kioskWake, "held");
  assert.equal(wl.requests, 1);
  // Visible again while the lock is held: no second request.
  k.onVisibility();
  await Promise.resolve();
  assert.equal(wl.requests, 1);

  // Hidden: the browser releases the lock.
  doc.visibilityState = "hidden";
  await wl.locks[0].release();
  assert.equal(doc.documentElement.dataset.kioskWake, "released");
  k.onVisibility(); // still hidden: nothing
  assert.equal(wl.requests, 1);

  // Visible again: taken again.
  doc.visibilityState = "visible";
  k.onVisibility();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(wl.requests, 2);
  assert.equal(doc.documentElement.dataset.kioskWake, "held");

  // A browser that refuses, and one without the API.
  wl.request = async () => {
    throw new Error("NotAllowedError");
  };
  wl.locks[1].released = true;
  await k.acquireWakeLock();
  assert.equal(doc.documentElement.dataset.kioskWake, "refused");
  Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  await k.acquireWakeLock();
  assert.equal(doc.documentElement.dataset.kioskWake, "unsupported");
});
