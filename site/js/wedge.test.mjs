// Tests of the keyboard-wedge logic (wedge.js), run by `node --test`
// from the Go test TestSiteJSUnit (tools/passcheck/site_js_test.go), so that
// `make test` runs them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { WedgeDecoder, Wedge, editable } from "./wedge.js";

const PASS = "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOOK.IR9B+9D-E6GPTDO6C58XMRJ0";

// feed types text at a fixed gap starting at t0, then the terminator, and
// returns every non-null outcome of the decoder.
function feed(dec, text, gapMs, { t0 = 1000, terminator = "Enter", enterGap = gapMs } = {}) {
  const out = [];
  let t = t0;
  for (const ch of text) {
    const r = dec.key(ch, t);
    if (r) out.push(r);
    t += gapMs;
  }
  const r = dec.key(terminator, t - gapMs + enterGap);
  if (r) out.push(r);
  return out;
}

function scans(outcomes) {
  return outcomes.filter((r) => r.scan).map((r) => r.scan);
}

test("a pass typed at scanner speed is one scan", () => {
  for (const gap of [0, 1, 8, 30, 50]) {
    const dec = new WedgeDecoder();
    assert.deepEqual(scans(feed(dec, PASS, gap)), [PASS], `gap ${gap} ms`);
  }
});

test("a person typing a pass is not a scan", () => {
  for (const gap of [51, 80, 150]) {
    const dec = new WedgeDecoder();
    assert.deepEqual(scans(feed(dec, PASS, gap)), [], `gap ${gap} ms`);
  }
});

test("one slow key anywhere breaks the burst", () => {
  const dec = new WedgeDecoder();
  const out = [];
  let t = 0;
  PASS.split("").forEach((ch, i) => {
    t += i === 30 ? 200 : 10;
    const r = dec.key(ch, t);
    if (r && r.scan) out.push(r.scan);
  });
  const r = dec.key("Enter", t + 10);
  // What follows the pause starts mid-pass, without the prefix: a fast
  // burst that is not a scan, reported as such.
  assert.deepEqual(r, { unrecognised: PASS.length - 30, text: PASS.slice(30) });
  assert.deepEqual(out, []);
});

test("a slow Enter after a fast burst is not a scan", () => {
  const dec = new WedgeDecoder();
  assert.deepEqual(scans(feed(dec, PASS, 5, { enterGap: 400 })), []);
});

test("text without the prefix, or too short, is not a scan", () => {
  let dec = new WedgeDecoder();
  assert.deepEqual(scans(feed(dec, "1234567890123456789012345", 5)), []);
  dec = new WedgeDecoder();
  assert.deepEqual(scans(feed(dec, "HC1:ABC", 5)), []);
  dec = new WedgeDecoder({ minLength: 5 });
  assert.deepEqual(scans(feed(dec, "HC1:ABC", 5)), ["HC1:ABC"]);
});

test("the prefix is matched without regard to case, and the scan is given back as meant", () => {
  const dec = new WedgeDecoder();
  const lowerPrefix = "hc1:" + PASS.slice(4);
  assert.deepEqual(scans(feed(dec, lowerPrefix, 5)), [PASS]);
  // Caps Lock on: every letter arrives inverted; the verifier gets the pass.
  const capsLock = PASS.toLowerCase();
  assert.ok(capsLock.startsWith("hc1:") && capsLock !== PASS);
  assert.deepEqual(scans(feed(dec, capsLock, 5)), [PASS]);
  assert.deepEqual(scans(feed(dec, "Hc1:" + PASS.slice(4), 5)), [PASS]);
});

test("a fast burst without the prefix is reported: a scanner on the wrong keyboard layout", () => {
  // A US-layout scanner on a German computer: ":" comes as "Ö", Y and Z swap.
  const german = PASS.replace(":", "Ö").replace(/[YZ]/g, (c) => (c === "Y" ? "Z" : "Y"));
  let dec = new WedgeDecoder();
  assert.deepEqual(feed(dec, german, 5).filter((r) => r.scan || r.unrecognised), [{ unrecognised: german.length, text: german }]);
  // A French AZERTY layout: digits come as symbols ("HC&:").
  dec = new WedgeDecoder();
  assert.deepEqual(feed(dec, "HC&:" + PASS.slice(4), 3).filter((r) => r.unrecognised).map((r) => r.unrecognised), [PASS.length]);
  // Too short, too slow, or no Enter: nothing is reported.
  dec = new WedgeDecoder();
  assert.deepEqual(feed(dec, "abcdef", 5).filter((r) => r.unrecognised), []);
  dec = new WedgeDecoder();
  assert.deepEqual(feed(dec, german, 80).filter((r) => r.unrecognised), []);
  dec = new WedgeDecoder();
  assert.deepEqual(feed(dec, german, 5, { enterGap: 400 }).filter((r) => r.unrecognised), []);
});

test("noise typed just before a scan in the same burst is dropped", () => {
  const dec = new WedgeDecoder();
  assert.deepEqual(scans(feed(dec, "xyH" + PASS, 5)), [PASS]);
});

test("Shift between keys neither breaks nor extends the burst", () => {
  const dec = new WedgeDecoder();
  let t = 0;
  let got = null;
  for (const ch of PASS) {
    if (ch >= "A" && ch <= "Z") dec.key("Shift", (t += 2));
    dec.key(ch, (t += 5));
  }
  got = dec.key("Enter", t + 5);
  assert.deepEqual(got, { scan: PASS });
});

test("keys of a plausible burst are consumed, others are not", () => {
  const dec = new WedgeDecoder();
  assert.deepEqual(dec.key("H", 0), { consume: true });
  assert.deepEqual(dec.key("C", 5), { consume: true });
  assert.equal(dec.key("x", 10), null);
  assert.equal(dec.key(" ", 500), null);
});

test("two scans in a row", () => {
  const dec = new WedgeDecoder();
  assert.deepEqual(scans(feed(dec, PASS, 3, { t0: 0 })), [PASS]);
  assert.deepEqual(scans(feed(dec, PASS, 3, { t0: 2000 })), [PASS]);
});

test("other terminators and gaps can be configured", () => {
  const dec = new WedgeDecoder({ terminators: ["Tab"], maxGapMs: 100 });
  assert.deepEqual(scans(feed(dec, PASS, 90, { terminator: "Tab" })), [PASS]);
  assert.deepEqual(scans(feed(dec, PASS, 90, { terminator: "Enter", t0: 10000 })), []);
});

test("an endless burst is capped", () => {
  const dec = new WedgeDecoder({ maxLength: 100 });
  const long = "HC1:" + "A".repeat(200);
  assert.deepEqual(scans(feed(dec, long, 1)), []);
});

test("junk input is ignored", () => {
  const dec = new WedgeDecoder();
  assert.equal(dec.key(undefined, 0), null);
  assert.equal(dec.key("H", NaN), null);
  assert.equal(dec.key({}, 1), null);
  assert.equal(dec.key("Enter", 2), null);
});

// A minimal stand-in for a document: an EventTarget that Wedge listens on.
function fakeKey(key, timeStamp, target = { tagName: "BODY" }, mods = {}) {
  return {
    key,
    timeStamp,
    target,
    composedPath: () => [target],
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    ...mods,
  };
}

test("Wedge hands scans to onScan and leaves text fields alone", () => {
  const target = new EventTarget();
  const got = [];
  const w = new Wedge({ target, onScan: (t) => got.push(t) });
  w.start();
  const type = (text, el, mods) => {
    let t = 0;
    const evs = [];
    for (const ch of text) {
      const ev = fakeKey(ch, (t += 4), el, mods);
      w.handle(ev);
      evs.push(ev);
    }
    const enter = fakeKey("Enter", t + 4, el, mods);
    w.handle(enter);
    evs.push(enter);
    return evs;
  };
  const evs = type(PASS);
  assert.deepEqual(got, [PASS]);
  assert.ok(evs.every((e) => e.defaultPrevented), "scan keys are consumed");

  type(PASS, { tagName: "INPUT", type: "text" });
  type(PASS, { tagName: "TEXTAREA" });
  type(PASS, { tagName: "DIV", isContentEditable: true });
  type(PASS, undefined, { ctrlKey: true });
  assert.equal(got.length, 1, "no scan from a text field or with Ctrl");

  type(PASS, { tagName: "BUTTON" });
  type(PASS, { tagName: "INPUT", type: "checkbox" });
  assert.equal(got.length, 3, "a focused button or checkbox does not stop a scan");
  w.stop();
});

test("editable looks through Shadow DOM to the real target", () => {
  const input = { tagName: "INPUT", type: "search" };
  const host = { tagName: "PASSCHECK-VERIFIER" };
  assert.equal(editable({ target: host, composedPath: () => [input, host] }), true);
  assert.equal(editable({ target: host, composedPath: () => [host] }), false);
});

test("Wedge reports a burst it does not recognise, never as a scan", () => {
  const target = new EventTarget();
  const scans = [];
  const odd = [];
  const w = new Wedge({ target, onScan: (t) => scans.push(t), onUnrecognised: (n) => odd.push(n) });
  w.start();
  let t = 0;
  for (const ch of "HC1Ö" + PASS.slice(4)) w.handle(fakeKey(ch, (t += 4)));
  const enter = fakeKey("Enter", t + 4);
  w.handle(enter);
  // Its Enter does not press the button that has the focus.
  assert.equal(enter.defaultPrevented, true);
  for (const ch of PASS.toLowerCase()) w.handle(fakeKey(ch, (t += 4)));
  w.handle(fakeKey("Enter", t + 4));
  // A menu's QR code read by the scanner: a scan (not a pass), not a layout problem.
  t += 1000;
  for (const ch of "https://menu.example/table/12") w.handle(fakeKey(ch, (t += 4)));
  w.handle(fakeKey("Enter", t + 4));
  assert.deepEqual(odd, [PASS.length]);
  assert.deepEqual(scans, [PASS, "https://menu.example/table/12"]);
});
