// Tests of what the pages show for a Result (verdict.js), run by
// `node --test` from the Go test TestSiteJSUnit. One table holds every rule:
// the Result's verdict shown as it is, and each page-side rule that makes
// it more cautious, never greener.
import { test } from "node:test";
import assert from "node:assert/strict";
import { judge, present, trustState, loadingTrust, internalResult, details, parseTime, cleanText, VERDICTS } from "./verdict.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const HOUR = 3600 * 1000;

// Trust lists as the verifier's trustList getter gives them.
const LIST = {
  ok: true,
  sequence: 42,
  issuedAt: "2026-03-01T09:00:00Z",
  expiresAt: "2026-03-08T09:00:00Z",
  signers: 3,
  errors: [],
  warnings: [],
  lastLoad: { ok: true, errors: [], warnings: [] },
};
const EXPIRED_LIST = { ...LIST, issuedAt: "2026-02-01T00:00:00Z", expiresAt: "2026-03-01T11:00:00Z" };
const NO_LIST = {
  ok: false,
  sequence: null,
  issuedAt: "",
  expiresAt: "",
  signers: 0,
  errors: [{ code: "TRUSTLIST_MISSING", message: "" }],
  warnings: [],
  lastLoad: { ok: false, errors: [{ code: "TRUSTLIST_SIGNATURE_INVALID", message: "" }], warnings: [] },
};

const OK = trustState(LIST, NOW);
const EXPIRED = trustState(EXPIRED_LIST, NOW);
const MISSING = trustState(NO_LIST, NOW);

const SIGNER = { country: "VN", subject: "CN=DSC", notBefore: "", notAfter: "" };
const HOLDER = { familyName: "Nguyễn", givenName: "Anh", familyNameStd: "NGUYEN", givenNameStd: "ANH", dateOfBirth: "1990-04-14" };

function m(code) {
  return { code, message: "" };
}

// result builds a Result as the module returns it.
function result(verdict, { errors = [], warnings = [], signer = true, valid } = {}) {
  return {
    verdict,
    valid: valid === undefined ? verdict === "valid" : valid,
    errors: errors.map(m),
    warnings: warnings.map(m),
    kind: signer ? "vaccination" : "",
    signer: signer ? SIGNER : null,
    holder: signer ? HOLDER : null,
    certificate: null,
  };
}

const cases = [
  // The Result's verdict, shown as it is.
  { name: "valid", result: result("valid"), trust: OK, want: "valid", verified: true, reasons: [] },
  { name: "valid with a warning", result: result("valid", { warnings: ["VALUE_UNKNOWN"] }), trust: OK, want: "valid", verified: true, reasons: [], warnings: ["VALUE_UNKNOWN"] },
  { name: "invalid: expired pass", result: result("invalid", { errors: ["CERT_EXPIRED"] }), trust: OK, want: "invalid", verified: true, reasons: ["CERT_EXPIRED"] },
  { name: "invalid: tampered", result: result("invalid", { errors: ["SIGNATURE_INVALID"], signer: false }), trust: OK, want: "invalid", verified: false, reasons: ["SIGNATURE_INVALID"] },
  { name: "invalid: wrong key usage", result: result("invalid", { errors: ["KEY_USAGE_MISMATCH"] }), trust: OK, want: "invalid", verified: true, reasons: ["KEY_USAGE_MISMATCH"] },
  { name: "cannot-check: unknown signer", result: result("cannot-check", { errors: ["KID_UNKNOWN"], signer: false }), trust: OK, want: "cannot-check", verified: false, reasons: ["KID_UNKNOWN"] },
  { name: "cannot-check: algorithm", result: result("cannot-check", { errors: ["ALGORITHM_UNSUPPORTED"], signer: false }), trust: OK, want: "cannot-check", verified: false, reasons: ["ALGORITHM_UNSUPPORTED"] },
  // Go's rule for a failed check beside an unknown signer: cannot-check (the
  // signature did not verify). The page shows it; it does not re-judge.
  { name: "cannot-check: expired pass, unknown signer", result: result("cannot-check", { errors: ["CERT_EXPIRED", "KID_UNKNOWN"], signer: false }), trust: OK, want: "cannot-check", verified: false, reasons: ["CERT_EXPIRED", "KID_UNKNOWN"] },
  // A list in its grace period: the signature verified (a signer, shown as
  // verified), the verdict is cannot-check from the list's TRUSTLIST_EXPIRED;
  // the page's trust line is past expiry.
  { name: "cannot-check: list in grace", result: result("cannot-check", { errors: ["TRUSTLIST_EXPIRED"] }), trust: EXPIRED, want: "cannot-check", verified: true, reasons: ["TRUSTLIST_EXPIRED"] },
  // Go's rule: a failed check with a verified signature is invalid, in the
  // grace period too.
  { name: "invalid in grace stays invalid", result: result("invalid", { errors: ["CERT_EXPIRED", "TRUSTLIST_EXPIRED"] }), trust: EXPIRED, want: "invalid", verified: true, reasons: ["CERT_EXPIRED", "TRUSTLIST_EXPIRED"] },
  { name: "tampered in grace", result: result("cannot-check", { errors: ["SIGNATURE_INVALID", "TRUSTLIST_EXPIRED"], signer: false }), trust: EXPIRED, want: "cannot-check", verified: false, reasons: ["SIGNATURE_INVALID", "TRUSTLIST_EXPIRED"] },
  { name: "list expired past grace", result: result("cannot-check", { errors: ["KID_UNKNOWN", "TRUSTLIST_EXPIRED"], signer: false }), trust: EXPIRED, want: "cannot-check", verified: false, reasons: ["KID_UNKNOWN", "TRUSTLIST_EXPIRED"] },
  { name: "cannot-check: no list", result: result("cannot-check", { errors: ["TRUSTLIST_SIGNATURE_INVALID", "KID_UNKNOWN"], signer: false }), trust: MISSING, want: "cannot-check", verified: false, reasons: ["TRUSTLIST_SIGNATURE_INVALID", "KID_UNKNOWN"] },
  { name: "cannot-check: list refused, trust code added", result: result("cannot-check", { errors: ["TRUSTLIST_MISSING", "KID_UNKNOWN"], signer: false }), trust: MISSING, want: "cannot-check", verified: false, reasons: ["TRUSTLIST_SIGNATURE_INVALID", "TRUSTLIST_MISSING", "KID_UNKNOWN"] },
  { name: "not-a-pass: plain text", result: result("not-a-pass", { errors: ["PREFIX_INVALID"], signer: false }), trust: OK, want: "not-a-pass", verified: false, reasons: ["PREFIX_INVALID"] },
  { name: "not-a-pass: damaged code", result: result("not-a-pass", { errors: ["BASE45_INVALID"], signer: false }), trust: OK, want: "not-a-pass", verified: false, reasons: ["BASE45_INVALID"] },
  // Not a pass whatever the trust list: the trust list is not why.
  { name: "not-a-pass with no list", result: result("not-a-pass", { errors: ["COSE_INVALID"], signer: false }), trust: MISSING, want: "not-a-pass", verified: false, reasons: ["COSE_INVALID"] },
  { name: "not-a-pass with an expired list", result: result("not-a-pass", { errors: ["CBOR_INVALID"], signer: false }), trust: EXPIRED, want: "not-a-pass", verified: false, reasons: ["CBOR_INVALID"] },

  // Page-side rules: only ever more cautious.
  { name: "valid, list expired since", result: result("valid"), trust: EXPIRED, want: "cannot-check", verified: true, reasons: ["TRUSTLIST_EXPIRED"] },
  { name: "valid, no list", result: result("valid"), trust: MISSING, want: "cannot-check", verified: true, reasons: ["TRUSTLIST_SIGNATURE_INVALID"] },
  { name: "valid while loading", result: result("valid"), trust: loadingTrust(), want: "cannot-check", verified: true, reasons: ["TRUSTLIST_MISSING"] },
  { name: "valid with no trust state", result: result("valid"), trust: null, want: "cannot-check", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "valid but valid=false", result: result("valid", { valid: false }), trust: OK, want: "cannot-check", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "valid with an error", result: result("valid", { errors: ["CERT_EXPIRED"] }), trust: OK, want: "cannot-check", verified: true, reasons: ["CERT_EXPIRED"] },
  { name: "no verdict (older module)", result: { ...result("valid"), verdict: undefined }, trust: OK, want: "cannot-check", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "unknown verdict", result: { ...result("valid"), verdict: "green" }, trust: OK, want: "cannot-check", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "valid=true does not make invalid green", result: result("invalid", { valid: true }), trust: OK, want: "invalid", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "valid=true does not make cannot-check green", result: result("cannot-check", { valid: true }), trust: OK, want: "cannot-check", verified: true, reasons: ["INTERNAL_ERROR"] },
  { name: "null Result", result: null, trust: OK, want: "cannot-check", verified: false, reasons: ["INTERNAL_ERROR"] },
  { name: "page's own failure", result: internalResult(new Error("boom")), trust: OK, want: "cannot-check", verified: false, reasons: ["INTERNAL_ERROR"] },

  // verified: a signer alone is not enough.
  { name: "signer beside SIGNATURE_INVALID", result: result("invalid", { errors: ["SIGNATURE_INVALID"] }), trust: OK, want: "invalid", verified: false, reasons: ["SIGNATURE_INVALID"] },
  { name: "signer beside KID_UNKNOWN", result: result("cannot-check", { errors: ["KID_UNKNOWN"] }), trust: OK, want: "cannot-check", verified: false, reasons: ["KID_UNKNOWN"] },
  { name: "signer on not-a-pass", result: result("not-a-pass", { errors: ["PREFIX_INVALID"] }), trust: OK, want: "not-a-pass", verified: false, reasons: ["PREFIX_INVALID"] },
];

test("judge: every rule of what is shown", () => {
  for (const c of cases) {
    const got = judge(c.result, c.trust);
    assert.equal(got.verdict, c.want, `${c.name}: verdict`);
    assert.equal(got.verified, c.verified, `${c.name}: verified`);
    assert.deepEqual(got.reasons.map((r) => r.code), c.reasons, `${c.name}: reasons`);
    assert.deepEqual(got.warnings.map((r) => r.code), c.warnings || [], `${c.name}: warnings`);
  }
});

test("judge never shows green unless the Result says valid and the list is fine", () => {
  // Every combination of verdict, valid, errors and trust state.
  const trusts = [OK, EXPIRED, MISSING, loadingTrust(), null];
  for (const verdict of [...VERDICTS, undefined, "", "VALID"]) {
    for (const valid of [true, false, undefined]) {
      for (const errors of [[], ["CERT_EXPIRED"], ["TRUSTLIST_EXPIRED"]]) {
        for (const trust of trusts) {
          const r = { ...result("valid", { errors }), verdict, valid };
          const got = judge(r, trust).verdict;
          const green = verdict === "valid" && valid === true && errors.length === 0 && trust === OK;
          assert.equal(got === "valid", green, `${verdict} valid=${valid} ${errors} ${trust && trust.state}: ${got}`);
          assert.ok(VERDICTS.includes(got), `shown verdict ${got}`);
          if (verdict !== "valid" && VERDICTS.includes(verdict)) assert.equal(got, verdict, "a non-green verdict is shown as it is");
        }
      }
    }
  }
});

test("judge keeps messages and drops malformed entries", () => {
  const r = result("invalid", { signer: false });
  r.errors = [{ code: "CERT_EXPIRED", message: "expired on 2026-01-01" }, null, { message: "no code" }, { code: 7 }];
  r.warnings = "not a list";
  const got = judge(r, OK);
  assert.deepEqual(got.reasons, [{ code: "CERT_EXPIRED", message: "expired on 2026-01-01" }]);
  assert.deepEqual(got.warnings, []);
});

test("trustState", () => {
  const left = Date.parse(LIST.expiresAt) - NOW;
  // A list given without revocation data (as bytes alone): nothing to say
  // about revocations.
  assert.deepEqual(OK, { state: "ok", code: "", sequence: 42, sequenceText: "42", signers: 3, ageMs: 3 * HOUR, leftMs: left, expiredMs: 0, expiresMs: Date.parse(LIST.expiresAt), revocations: null });
  // The revocation data beside it, as trustList.revocations gives it:
  // loaded and fresh, loaded but out of date, or never loaded.
  const rev = (r) => trustState({ ...LIST, revocations: r }, NOW).revocations;
  assert.deepEqual(rev({ ok: true, loaded: true, issuedAt: "2026-03-01T10:00:00Z" }), { state: "ok", ageMs: 2 * HOUR });
  assert.deepEqual(rev({ ok: false, loaded: true, issuedAt: "2026-02-25T12:00:00Z" }), { state: "stale", ageMs: 96 * HOUR });
  assert.deepEqual(rev({ ok: false, loaded: false, issuedAt: "" }), { state: "missing", ageMs: 0 });
  assert.deepEqual(rev({ ok: true, loaded: true, issuedAt: "not a time" }), { state: "missing", ageMs: 0 });
  // The exact sequence where the module gives it (above 2^53).
  assert.equal(trustState({ ...LIST, sequence: 2 ** 60, sequenceText: "1152921504606846977" }, NOW).sequenceText, "1152921504606846977");
  assert.equal(EXPIRED.leftMs, 0);
  assert.equal(EXPIRED.state, "expired");
  assert.equal(EXPIRED.code, "TRUSTLIST_EXPIRED");
  assert.equal(EXPIRED.expiredMs, HOUR);
  // Exactly at expiry the list still serves.
  assert.equal(trustState(LIST, Date.parse(LIST.expiresAt)).state, "ok");
  assert.equal(trustState(LIST, Date.parse(LIST.expiresAt) + 1).state, "expired");

  // Why there is no list: the last load's error first, then the list's
  // status, then the code of a verifier that never started.
  assert.equal(MISSING.state, "missing");
  assert.equal(MISSING.code, "TRUSTLIST_SIGNATURE_INVALID");
  assert.equal(trustState({ ...NO_LIST, lastLoad: undefined }, NOW).code, "TRUSTLIST_MISSING");
  assert.equal(trustState({ ...NO_LIST, lastLoad: { errors: [] }, errors: [] }, NOW, "X").code, "X");
  assert.equal(trustState(null, NOW, "WASM_UNAVAILABLE").code, "WASM_UNAVAILABLE");
  assert.equal(trustState(null, NOW).code, "TRUSTLIST_MISSING");
  assert.equal(trustState(undefined, NOW).state, "missing");
  // A list in use whose refresh failed: still ok.
  const refreshed = { ...LIST, lastLoad: { ok: false, errors: [m("TRUSTLIST_UNAVAILABLE")] } };
  assert.equal(trustState(refreshed, NOW).state, "ok");
  // Unreadable dates: missing, never ok.
  assert.equal(trustState({ ...LIST, expiresAt: "soon" }, NOW).state, "missing");
  // Signers as a count or a list.
  assert.equal(trustState({ ...LIST, signers: [{}, {}] }, NOW).signers, 2);
  assert.equal(trustState({ ...LIST, signers: "3" }, NOW).signers, 0);
  assert.equal(loadingTrust().state, "loading");
});

test("parseTime is in UTC whatever the zone", () => {
  assert.equal(parseTime("2026-03-01T12:00:00Z"), NOW);
  assert.equal(parseTime("2026-03-01T19:00:00+07:00"), NOW);
  assert.equal(parseTime(NOW), NOW);
  assert.equal(parseTime(""), null);
  assert.equal(parseTime("not a time"), null);
  assert.equal(parseTime(NaN), null);
  assert.equal(parseTime(undefined), null);
});

test("details", () => {
  const cert = { v: [{ dn: 2, sd: 2, mp: "EU/1/20/1528" }] };
  assert.deepEqual(details({ kind: "vaccination", certificate: cert }), { kind: "vaccination", entry: cert.v[0] });
  assert.deepEqual(details({ kind: "test", certificate: cert }), { kind: "test", entry: null });
  assert.deepEqual(details({ kind: "", certificate: null }), { kind: "", entry: null });
  assert.deepEqual(details(null), { kind: "", entry: null });
});

test("present", () => {
  assert.deepEqual(present("valid"), { verdict: "valid", icon: "✓", title: "verdict.valid", sub: "verdict.valid.sub", announce: "verdict.announce.valid", counts: true });
  assert.equal(present("invalid").counts, true);
  assert.equal(present("cannot-check").title, "verdict.cannot-check");
  // A text that is not a pass is not counted, and has its own screen.
  assert.equal(present("not-a-pass").counts, false);
  assert.equal(present("not-a-pass").sub, "verdict.not-a-pass.sub");
  // Anything else is presented as cannot-check, never as valid.
  assert.equal(present("unknown").verdict, "cannot-check");
  assert.equal(present(undefined).verdict, "cannot-check");
  assert.equal(present("constructor").verdict, "cannot-check");
});

test("every verdict has its words in every language", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const dir = new URL("../i18n/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
  assert.ok(files.includes("en.json") && files.includes("vi.json"), `tables: ${files}`);
  for (const f of files) {
    const table = JSON.parse(await readFile(new URL(f, dir), "utf8"));
    for (const v of VERDICTS) {
      const p = present(v);
      for (const key of [p.title, p.sub, p.announce]) assert.ok(table[key], `${f}: no ${key}`);
    }
    // The reasons the page adds itself.
    assert.ok(table["code.INTERNAL_ERROR"], `${f}: no code.INTERNAL_ERROR`);
  }
});

test("cleanText removes the bidirectional controls that could make a name read as another", () => {
  // U+202E (right-to-left override) before "anna" shows "anna" reversed; an
  // isolate (U+2067) and a pop (U+2069) around a name, embeddings (U+202A,
  // U+202B) and pops (U+202C) likewise.
  assert.equal(cleanText("\u202Eanna"), "anna");
  assert.equal(cleanText("Nguy\u2067ễn\u2069"), "Nguyễn");
  assert.equal(cleanText("\u202A\u202B\u202C\u202D\u202Ex\u2066\u2067\u2068\u2069"), "x");
  // Right-to-left letters themselves stay: a name in Arabic or Hebrew is a name.
  assert.equal(cleanText("محمد"), "محمد");
  assert.equal(cleanText("שרה"), "שרה");
  assert.equal(cleanText(undefined), "");
  assert.equal(cleanText(42), "");
});
