// verdict.js turns a verification Result (the fields of dcc.Result, as the
// passcheck module returns it) and the trust list's state into what the page
// shows. It is pure: no DOM, no clock of its own (the caller passes nowMs), so
// that the same rules serve the scanner page, the kiosk and the widget.
//
// The rules, in order:
//   - amber "unknown" (cannot check): the trust list is missing or past its
//     expiry, a TRUSTLIST_* error, or KID_UNKNOWN (the signer is not in the list);
//   - red "invalid": any other error;
//   - green "valid": no error.
// Validity is decided in UTC epoch milliseconds only: the verdict never
// depends on the device's time zone or a daylight-saving change.

// Codes meaning that no trusted key verified the signature: the data in the
// pass is then unverified and must never be shown as a verified identity.
export const SIGNATURE_CODES = ["KID_UNKNOWN", "ALGORITHM_UNSUPPORTED", "SIGNATURE_INVALID"];

// Decode-chain codes: nothing after them ran.
export const DECODE_CODES = ["PREFIX_INVALID", "BASE45_INVALID", "COMPRESSION_INVALID", "COSE_INVALID", "CBOR_INVALID"];

/**
 * trustState describes the loaded trust list at nowMs.
 * @param {object|null} tl the module's trustList ({sequence, issuedAt, expiresAt, signers, ...}) or null
 * @param {number} nowMs the clock, epoch milliseconds
 * @param {string} [loadError] the TRUSTLIST_* code of a failed load
 * @returns {{state: "ok"|"expired"|"missing", code: string, sequence: number, signers: number, ageMs: number, expiredMs: number}}
 */
export function trustState(tl, nowMs, loadError) {
  const issued = parseTime(tl && tl.issuedAt);
  const expires = parseTime(tl && tl.expiresAt);
  const out = {
    state: "ok",
    code: "",
    sequence: tl && typeof tl.sequence === "number" ? tl.sequence : 0,
    signers: countSigners(tl),
    ageMs: issued === null ? 0 : Math.max(0, nowMs - issued),
    expiredMs: 0,
  };
  if (!tl || issued === null || expires === null) {
    out.state = "missing";
    out.code = loadError || "TRUSTLIST_MISSING";
    return out;
  }
  if (nowMs > expires) {
    out.state = "expired";
    out.code = "TRUSTLIST_EXPIRED";
    out.expiredMs = nowMs - expires;
    return out;
  }
  if (loadError && loadError !== "TRUSTLIST_EXPIRED") {
    // A refresh failed but an earlier, still valid list is in use: keep it.
    out.code = loadError;
  }
  return out;
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
 * judge decides the verdict.
 * @param {object} result the Result from verify()
 * @param {{state: string, code: string}} trust from trustState
 * @returns {{state: "valid"|"invalid"|"unknown", verified: boolean, reasons: {code: string, message: string}[], warnings: {code: string, message: string}[]}}
 */
export function judge(result, trust) {
  const errors = messages(result && result.errors);
  const warnings = messages(result && result.warnings);
  const codes = errors.map((e) => e.code);
  const trustFailed = codes.some((c) => c.startsWith("TRUSTLIST_"));
  // verified: a trusted key verified the signature. The module sets signer
  // only then; the codes are checked too, so that a malformed Result can
  // never promote data to a verified identity.
  const verified =
    !!(result && result.signer) &&
    !trustFailed &&
    !codes.some((c) => SIGNATURE_CODES.includes(c) || DECODE_CODES.includes(c));

  const reasons = errors.slice();
  let state;
  if (trust.state !== "ok" || trustFailed || codes.includes("KID_UNKNOWN")) {
    state = "unknown";
    if (trust.state !== "ok" && !codes.includes(trust.code)) {
      reasons.unshift({ code: trust.code, message: "" });
    }
  } else if (errors.length > 0 || !(result && result.valid === true)) {
    state = "invalid";
    if (reasons.length === 0) reasons.push({ code: "INTERNAL", message: "" });
  } else {
    state = "valid";
  }
  return { state, verified, reasons, warnings };
}

function messages(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((m) => m && typeof m.code === "string")
    .map((m) => ({ code: m.code, message: typeof m.message === "string" ? m.message : "" }));
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
