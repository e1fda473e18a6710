// TypeScript declarations for passcheck.js, the ES module of the passcheck
// verifier (EU Digital COVID Certificates verified in the browser by
// WebAssembly). Guide: docs/wasm.md.

/** One failed check or warning. `code` is stable; `message` is for people. */
export interface Message {
  /**
   * e.g. "SIGNATURE_INVALID", "CERT_EXPIRED", "KID_UNKNOWN",
   * "TRUSTLIST_EXPIRED", "TRUSTLIST_MISSING", "INPUT_INVALID".
   */
  code: string;
  message: string;
}

/** The signer whose key verified the pass. */
export interface SignerInfo {
  country: string;
  subject: string;
  /** RFC 3339, or "" when unbounded. */
  notBefore: string;
  notAfter: string;
}

/** The person a pass names. Unverified unless the signature verified. */
export interface Holder {
  familyName: string;
  givenName: string;
  familyNameStd: string;
  givenNameStd: string;
  dateOfBirth: string;
}

/**
 * Verdict is a Result's judgement, computed once in Go from the classes of
 * its codes: "valid" (let in); "invalid" (a check failed: red);
 * "cannot-check" (the pass could not be checked: the signer is not in the
 * trust list, the algorithm is not allowed, or the trust list is missing,
 * refused or expired, its grace period included: amber, never green);
 * "not-a-pass" (the text is not a readable pass: scan again; a kiosk does
 * not count it).
 */
export type Verdict = "valid" | "invalid" | "cannot-check" | "not-a-pass";

/**
 * Result is the verdict on one pass: the same fields as
 * `passcheck verify --json`.
 *
 * Show what `verdict` says; `valid` is true exactly when it is "valid".
 * When the signature did not verify (errors KID_UNKNOWN,
 * ALGORITHM_UNSUPPORTED or SIGNATURE_INVALID), `holder` and `certificate`
 * are unverified and must never be shown as a verified identity.
 */
export interface Result {
  verdict: Verdict;
  valid: boolean;
  errors: Message[];
  warnings: Message[];
  kind: "" | "vaccination" | "test" | "recovery";
  /** The issuing country (CWT iss). */
  issuer: string;
  /** RFC 3339 UTC, or "". */
  issuedAt: string;
  expiresAt: string;
  /** Standard base64, or "". */
  kid: string;
  signer: SignerInfo | null;
  holder: Holder | null;
  /** The DCC payload as decoded (a JSON tree), or null. */
  certificate: unknown;
  /**
   * How the business rules ended (docs/rules.md); null only for a technical
   * check only (rule country "none"). results is empty when rules were due
   * but not evaluated (the pass failed a technical check).
   */
  rules: RulesOutcome | null;
}

/** The business-rule part of a Result. */
export interface RulesOutcome {
  country: string;
  region: string;
  results: RuleResult[];
}

/** How one business rule ended. */
export interface RuleResult {
  id: string;
  version: string;
  type: "Acceptance" | "Invalidation";
  country: string;
  certificateType: "General" | "Vaccination" | "Test" | "Recovery";
  result: "passed" | "failed" | "open";
  /** In English. */
  description: string;
  /** Every language the rule has; pick the page's, else English. */
  descriptions: { lang: string; desc: string }[];
  affectedFields: string[];
}

/** The rule country and region a verifier applies. */
export interface RulesChoice {
  /** "" (nothing chosen: the EU baseline), "EU", "none" (technical check only), or a two-letter country code. */
  country?: string;
  region?: string;
}

/** The business rules in use. */
export interface RulesStatus {
  /** false when the last choice was refused (error says why); the choice before it stays. */
  ok: boolean;
  error: string;
  /** The rule country that applies: "EU", a country code, or "none" (technical check only). */
  country: string;
  region: string;
  /** Whether the page chose the country (else the default applies). */
  chosen: boolean;
  /** The countries the trust list has rules for. */
  countries: string[];
  rules: number;
  valueSets: number;
  /** Rules of the trust list that did not read and are left out. */
  leftOut: number;
  /** RFC 3339: when the trust list carrying the rules was issued, or "". */
  issuedAt: string;
  /** Why the trust list's rules could not be read at all (then no rule is in force: every pass is amber, RULES_MISSING), or "". */
  unreadable: string;
}

/** The outcome of loading a trust list. */
export interface TrustListLoad {
  ok: boolean;
  errors: Message[];
  warnings: Message[];
  /** The list's sequence number, or null when no signed list was read (inexact above 2^53: see sequenceText). */
  sequence: number | null;
  /** The list's sequence number in decimal, exact for every 64-bit sequence; "" when none. */
  sequenceText: string;
  /** RFC 3339, or "". */
  issuedAt: string;
  expiresAt: string;
  /** Number of trusted signers. */
  signers: number;
}

/** The trust list in use. */
export interface TrustListStatus extends TrustListLoad {
  /**
   * false when verify() cannot use it: none loaded (errors say why) or
   * expired past the grace period.
   */
  ok: boolean;
  /** Seconds since the list was issued, or null. */
  ageSeconds: number | null;
  /** The outcome of the last load or refresh, which may have failed while an older list stays in use. */
  lastLoad: TrustListLoad;
  /** The revocation list in use (null once closed). */
  revocations: RevocationStatus | null;
}

/**
 * The revocation list in use: the signed index that trustlist.json names
 * and its parts, fetched with the trust list (never because of a pass).
 * While it is missing, incomplete or past its expiry, every pass is amber
 * (REVOCATION_STALE); a revoked pass is red (CERT_REVOKED).
 */
export interface RevocationStatus {
  /** true when it is complete and fresh. */
  ok: boolean;
  /** false while no signed index has been loaded. */
  loaded: boolean;
  /** The index's sequence (exact up to 2^53; sequenceText is exact always), or null. */
  sequence: number | null;
  sequenceText: string;
  /** RFC 3339, or "" when none is loaded. */
  issuedAt: string;
  expiresAt: string;
  /** Entries loaded. */
  entries: number;
  /** Seconds since the index was issued, or null. */
  ageSeconds: number | null;
  /** Why it is not ok: REVOCATION_STALE; in a load's answer, first the refused index's code (TRUSTLIST_ROLLBACK, …). */
  errors: Message[];
  /** In trustList.revocations: the answer to the last load or refresh. */
  lastLoad?: RevocationStatus | null;
}

export interface LoadOptions {
  /** URL of passcheck.wasm (fetched with streaming instantiation where the browser can). */
  wasmURL?: string | URL;
  /** The module itself instead of wasmURL: its bytes or a compiled module. */
  wasm?: BufferSource | WebAssembly.Module;
  /**
   * URL of the trust list's trustlist.json pointer; the bundle it names is
   * fetched relative to it, on the same origin, and checked against the
   * pointer's size and SHA-256.
   */
  trustListURL?: string | URL;
  /** A bundle given as bytes instead of trustListURL (the single-file page). */
  trustList?: Uint8Array;
  /**
   * The revocation index and its parts as bytes, with trustList. Without
   * them (and without trustListURL) passes are not checked for revocation,
   * and each Result carries the warning REVOCATION_UNCHECKED.
   */
  revocations?: { index: Uint8Array | null; parts: (Uint8Array | null)[]; why?: string };
  /** The publisher's pinned public key(s), PEM "PUBLIC KEY" blocks (ECDSA P-256). */
  trustKeys: string;
  /** How long past its expiry a list still verifies, with a TRUSTLIST_EXPIRED warning. Default 0. */
  graceSeconds?: number;
  /** Verify signatures with WebCrypto where available (default true); false: pure Go only. */
  webCrypto?: boolean;
  /**
   * Verify a built-in pass once (default true), so that the first real scan
   * does not pay the first-run costs (tens of milliseconds). The module's
   * part runs before load() resolves, as soon as the trust list is in;
   * WebCrypto's (one key import and one signature of each algorithm, begun
   * at the start of load) runs on, and `verifier.warmedUp` tells when it is
   * done. Until then, and for a signer's first pass, a verify is the
   * module's pure-Go one.
   */
  warmUp?: boolean;
  /** The rule country and region (see Verifier.setRules); default: the EU baseline when the trust list carries rules. */
  rules?: RulesChoice;
}

export interface VerifyOptions {
  /** The validation clock, in milliseconds since 1970. Default: now. */
  at?: number;
}

export interface Verifier {
  /** The module's build version. */
  readonly version: string;
  /** false in the build without the QR decoder: scan() then always returns null. */
  readonly canScan: boolean;
  /**
   * The compiled module, for a worker that scans camera frames off the
   * page's thread: a worker instantiates it (with its own Go runtime)
   * without fetching or compiling it again. null where the runtime gave none.
   */
  readonly wasmModule: WebAssembly.Module | null;
  /** verify checks a pass's text. It never rejects: errors come as a Result. */
  verify(text: string, options?: VerifyOptions): Promise<Result>;
  /**
   * scan returns the text of the QR code in an image (an ImageData from a
   * canvas), or null when there is none, the picture shows several codes
   * (scanCodes tells them apart) or the image cannot be used.
   * `{frame: true}` marks a live camera frame: a quicker, less thorough
   * search that reads one code, since the next frame follows in tens of
   * milliseconds; leave it out for uploaded pictures.
   */
  scan(image: ImageData | { data: Uint8ClampedArray; width: number; height: number }, options?: { frame?: boolean }): string | null;
  /**
   * scanCodes returns the distinct texts of the QR codes in an uploaded
   * picture: one element for a picture of one code, several for a picture
   * of several (ask for one code at a time rather than guess which is
   * meant), none when there is no code or the image cannot be used.
   */
  scanCodes(image: ImageData | { data: Uint8ClampedArray; width: number; height: number }): string[];
  /** The trust list in use, read when accessed. */
  readonly trustList: TrustListStatus;
  /**
   * refreshTrustList fetches trustListURL again. A list that fails (network,
   * rollback, wrong key, expired) leaves the list in use as it was.
   */
  refreshTrustList(): Promise<TrustListLoad>;
  /** loadTrustListBytes loads a bundle given as bytes (a dropped file), with the same checks. */
  loadTrustListBytes(bundle: Uint8Array): TrustListLoad;
  /**
   * loadRevocationBytes loads a revocation index and its parts given as
   * bytes (the single-file page); index null, with why, says there is none.
   * An older index than one seen is refused (TRUSTLIST_ROLLBACK first in
   * the answer's errors) and the data in use stays.
   */
  loadRevocationBytes(index: Uint8Array | null, parts: (Uint8Array | null)[], why?: string): RevocationStatus | null;
  /**
   * close frees the verifier's session and trust list inside the module.
   * Calls after it answer with WASM_UNAVAILABLE ("closed"). Close a
   * verifier you replace: the module keeps every open one.
   */
  close(): void;
  /** closed: close() was called. */
  readonly closed: boolean;
  /** The business rules in use, read when accessed. */
  readonly rules: RulesStatus;
  /** setRules chooses the rule country and region for the verifies that follow. */
  setRules(choice: RulesChoice): RulesStatus;
  /** evalRule evaluates one rule (its JSON) on a data object ({payload, external}, JSON), as a rule test does. */
  evalRule(rule: string, data: string): { result: unknown; error: string };
  /** Resolves once the warm-up (see LoadOptions.warmUp) is done; at once without one. Never rejects. */
  readonly warmedUp: Promise<void>;
}

/**
 * load starts the module, loads the trust list and resolves to a verifier.
 * It rejects (with a PasscheckError) only when the module cannot start; a
 * trust list that fails to load leaves a verifier whose results carry the
 * TRUSTLIST_* error.
 */
export function load(options: LoadOptions): Promise<Verifier>;

/** PasscheckError is what load() rejects with. */
export class PasscheckError extends Error {
  /** "WASM_UNAVAILABLE", "INPUT_INVALID" or "TRUSTLIST_KEY_INVALID". */
  code: string;
  errors: Message[];
}
