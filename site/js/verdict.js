// verdict.js turns a verification Result (as the passcheck module returns
// it) and the trust list's state into what a page shows. It does not judge
// the pass: the Result's `verdict` field, computed once in Go from the
// classes of its codes, does. It is pure (no DOM, no clock of its own: the
// caller passes nowMs), so that the scanner page, the kiosk and the widget
// share it, and Node tests it (verdict.test.mjs).
//
// What is shown is the Result's verdict, except where a rule of the page
// makes it more cautious; no rule here ever makes it greener:
//   - a Result without a known verdict, or whose "valid" contradicts its
//     errors, shows "cannot-check";
//   - "valid" while the trust list in use is missing or past its expiry at
//     nowMs (a list that expired after the pass was checked, a Result shown
//     again later) shows "cannot-check".
// Validity is decided in UTC epoch milliseconds only: what is shown never
// depends on the device's time zone or a daylight-saving change.

/** VERDICTS are the values of a Result's verdict, as the pages show them. */
export const VERDICTS = ["valid", "invalid", "cannot-check", "not-a-pass"];

// Codes meaning that no trusted key verified the signature: the data in the
// pass is then unverified and must never be shown as a verified identity.
// (The module sets signer only when a key verified; these are a second
// guard against a malformed Result.)
const SIGNATURE_CODES = ["KID_UNKNOWN", "ALGORITHM_UNSUPPORTED", "SIGNATURE_INVALID"];

// The code shown when a Result cannot be read as it claims.
const INTERNAL_ERROR = "INTERNAL_ERROR";

// How each shown verdict is presented: its icon, its strings (site/i18n),
// and whether a kiosk counts it (a text that is not a pass is not a visitor).
const PRESENTATION = {
  valid: { icon: "✓", counts: true },
  invalid: { icon: "✕", counts: true },
  "cannot-check": { icon: "?", counts: true },
  "not-a-pass": { icon: "↻", counts: false },
};

/**
 * present says how a shown verdict (one of VERDICTS, as judge returns it)
 * is presented: {icon, title, sub, announce, counts}, title, sub and
 * announce being keys of the string tables. Anything else is presented as
 * "cannot-check".
 */
export function present(verdict) {
  const v = VERDICTS.includes(verdict) ? verdict : "cannot-check";
  const p = PRESENTATION[v];
  return { verdict: v, icon: p.icon, title: "verdict." + v, sub: "verdict." + v + ".sub", announce: "verdict.announce." + v, counts: p.counts };
}

/**
 * trustState describes the trust list in use at nowMs.
 *
 * code is why there is no usable list: the error of the last load or
 * refresh (tl.lastLoad), else of the list's status (tl.errors), else
 * failedCode (the code of a verifier that could not start), else
 * TRUSTLIST_MISSING.
 * @param {object|null} tl the verifier's trustList ({sequence, issuedAt, expiresAt, signers, errors, lastLoad, ...}) or null
 * @param {number} nowMs the clock, epoch milliseconds
 * @param {string} [failedCode] the code of a load that failed before any verifier existed
 * leftMs is how long the list has before it expires (0 once it has); the
 * pages show it, so that staff see a list about to go stale.
 * @returns {{state: "ok"|"expired"|"missing", code: string, sequence: number, sequenceText: string, signers: number, ageMs: number, leftMs: number, expiredMs: number, expiresMs: number|null}}
 */
export function trustState(tl, nowMs, failedCode) {
  const issued = parseTime(tl && tl.issuedAt);
  const expires = parseTime(tl && tl.expiresAt);
  const out = {
    state: "ok",
    code: "",
    sequence: tl && typeof tl.sequence === "number" ? tl.sequence : 0,
    sequenceText: tl && typeof tl.sequenceText === "string" && tl.sequenceText ? tl.sequenceText : tl && typeof tl.sequence === "number" ? String(tl.sequence) : "",
    signers: countSigners(tl),
    ageMs: issued === null ? 0 : Math.max(0, nowMs - issued),
    leftMs: expires === null ? 0 : Math.max(0, expires - nowMs),
    expiredMs: 0,
    expiresMs: expires,
    revocations: revocationState(tl && tl.revocations, nowMs),
  };
  if (!tl || issued === null || expires === null) {
    out.state = "missing";
    out.code = firstCode(tl && tl.lastLoad) || firstCode(tl) || failedCode || "TRUSTLIST_MISSING";
    return out;
  }
  if (nowMs > expires) {
    out.state = "expired";
    out.code = "TRUSTLIST_EXPIRED";
    out.expiredMs = nowMs - expires;
  }
  return out;
}

// revocationState is the revocation list's part of the trust state: null
// when the verifier has none to tell (trust list given as bytes alone),
// else {state: "ok" | "stale" | "missing", ageMs}.
function revocationState(r, nowMs) {
  if (!r || typeof r !== "object") return null;
  const issued = parseTime(r.issuedAt);
  if (!r.loaded || issued === null) return { state: "missing", ageMs: 0 };
  return { state: r.ok ? "ok" : "stale", ageMs: Math.max(0, nowMs - issued) };
}

/** loadingTrust is the trust state while the verifier is still loading. */
export function loadingTrust() {
  return { state: "loading", code: "TRUSTLIST_MISSING", sequence: 0, sequenceText: "", signers: 0, ageMs: 0, leftMs: 0, expiredMs: 0, expiresMs: null };
}

// The bidirectional controls that reorder text: embeddings and overrides
// (U+202A–U+202E) and isolates (U+2066–U+2069). In a signed name they could
// make it read as another name ("\u202Eanna" shows as "anna" reversed).
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * cleanText makes a text from a pass safe to show: the bidirectional
 * controls are removed, so that a name reads in its own letters' order.
 * The pages show the result isolated (dir="auto" in a <bdi>), so that a
 * right-to-left name cannot reorder the text around it either.
 */
export function cleanText(s) {
  return typeof s === "string" ? s.replace(BIDI_CONTROLS, "") : "";
}

function firstCode(o) {
  const e = o && Array.isArray(o.errors) ? o.errors[0] : null;
  return e && typeof e.code === "string" ? e.code : "";
}

function countSigners(tl) {
  if (!tl) return 0;
  if (Array.isArray(tl.signers)) return tl.signers.length;
  if (typeof tl.signers === "number") return tl.signers;
  return 0;
}

/**
 * parseTime reads an RFC 3339 time (or epoch milliseconds) into epoch
 * milliseconds, or null.
 */
export function parseTime(v) {
  if (typeof v === "number" && isFinite(v)) return v;
  if (typeof v !== "string" || v === "") return null;
  const ms = Date.parse(v);
  return isNaN(ms) ? null : ms;
}

/**
 * judge says what to show for result under trust (see the rules at the top).
 *   verdict   one of VERDICTS
 *   verified  a trusted key verified the signature: only then is the
 *             holder shown as an identity
 *   reasons   the errors, and the trust list's code when that is why the
 *             pass cannot be checked
 *   warnings  the warnings
 * @param {object} result the Result from verify()
 * @param {{state: string, code: string}} trust from trustState
 * @returns {{verdict: string, verified: boolean, reasons: {code: string, message: string}[], warnings: {code: string, message: string}[]}}
 */
export function judge(result, trust) {
  const errors = messages(result && result.errors);
  const warnings = messages(result && result.warnings);
  const codes = errors.map((e) => e.code);
  const reasons = errors.slice();
  const said = result && VERDICTS.includes(result.verdict) ? result.verdict : "";
  const trustOK = !!trust && trust.state === "ok";

  let verdict = said;
  if (said === "") {
    verdict = "cannot-check";
  } else if (said === "valid" && (result.valid !== true || errors.length > 0)) {
    verdict = "cannot-check";
  } else if (said === "valid" && !trustOK) {
    verdict = "cannot-check";
  }
  if (verdict === "cannot-check" && !trustOK && trust && trust.code && !codes.includes(trust.code)) {
    reasons.unshift({ code: trust.code, message: "" });
  }
  if (verdict !== "valid" && verdict !== "not-a-pass" && reasons.length === 0) {
    reasons.push({ code: INTERNAL_ERROR, message: "" });
  }

  // A list in its grace period still verifies signatures (its
  // TRUSTLIST_EXPIRED makes the verdict cannot-check, not the holder
  // unverified); a missing or expired list verifies none (no signer).
  const verified = verdict !== "not-a-pass" && !!(result && result.signer) && !codes.some((c) => SIGNATURE_CODES.includes(c));
  return { verdict, verified, reasons, warnings };
}

function messages(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((m) => m && typeof m.code === "string")
    .map((m) => ({ code: m.code, message: typeof m.message === "string" ? m.message : "" }));
}

/**
 * internalResult is the Result of a check that failed inside the page (a
 * verify that threw): cannot-check, never a judgement on the pass.
 */
export function internalResult(e) {
  return {
    verdict: "cannot-check",
    valid: false,
    errors: [{ code: INTERNAL_ERROR, message: String((e && e.message) || e) }],
    warnings: [],
  };
}

/**
 * details extracts what the verdict shows about the certificate, with codes
 * still raw: the page maps them to display names.
 * @param {object} result
 * @returns {{kind: string, entry: object|null}}
 */
export function details(result) {
  const cert = result && result.certificate;
  const kind = (result && result.kind) || "";
  const key = { vaccination: "v", test: "t", recovery: "r" }[kind];
  let entry = null;
  if (key && cert && Array.isArray(cert[key]) && cert[key].length > 0 && typeof cert[key][0] === "object") {
    entry = cert[key][0];
  }
  return { kind, entry };
}
