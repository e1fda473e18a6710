// TypeScript declarations for passcheck-verifier.js, the
// <passcheck-verifier> custom element: EU Digital COVID Certificates
// verified in the browser, from the camera, pasted text or a barcode
// scanner. Guide: docs/kiosk.md ("The widget").

import type { Result, TrustListStatus, Verdict } from "../passcheck";

export type { Verdict };

/** Where the pass came from. "api": element.verify(text). */
export type Source = "camera" | "paste" | "hid" | "api";

/** The detail of the `passcheck-result` event. */
export interface PasscheckResultDetail {
  /** The Result, as `passcheck verify --json` prints it. */
  result: Result;
  /**
   * The verdict shown: result.verdict, except that a "valid" Result shows
   * as "cannot-check" when the trust list in use has expired since (or is
   * missing). Never greener than result.verdict. "not-a-pass": the text is
   * not a readable pass (scan again).
   */
  verdict: Verdict;
  /**
   * true when a trusted key verified the signature. Only then are
   * result.holder and result.certificate data about a real pass; otherwise
   * they must never be taken as an identity.
   */
  verified: boolean;
  source: Source;
  /** The trust list the pass was checked against. */
  trustList: TrustListStatus | null;
}

/** The detail of the `passcheck-ready` event. */
export interface PasscheckReadyDetail {
  trustList: TrustListStatus;
}

/** The detail of the `passcheck-error` event: the module could not start. */
export interface PasscheckErrorDetail {
  /** "WASM_UNAVAILABLE", "TRUSTLIST_KEY_INVALID", "INPUT_INVALID". */
  code: string;
  message: string;
}

/**
 * The <passcheck-verifier> element.
 *
 * Attributes (all optional; the defaults are those of the build that wrote
 * this file: its module, its trust list and its pinned publisher keys):
 *   - `wasm-url`: URL of passcheck.wasm;
 *   - `trustlist-url`: URL of the trust list's trustlist.json pointer;
 *   - `trust-keys`: the publisher's public key(s) as PEM text, or the URL of
 *     a PEM file on the page's own origin;
 *   - `rules-country`: the business-rule country: "EU" (the EU baseline),
 *     a country code, or "none" for a technical check only (default: the
 *     build's, else the EU baseline); `rules-region`: a region of it. The
 *     trust line says what is applied; each verdict event's result carries
 *     `rules` (docs/rules.md);
 *   - `lang`: "en", "vi", … (default: the browser's language);
 *   - `hold`: seconds a verdict stays before the element clears it (default:
 *     until "Scan next");
 *   - `hid`: "off" to ignore barcode-scanner (keyboard) input;
 *   - `camera`: "auto" to start the camera when ready, "off" to hide it;
 *   - `paste`: "off" to hide the paste box;
 *   - `details`: "hidden" (the default) shows a verdict's status, the
 *     holder's name and date of birth only; "tap" adds a button that shows
 *     the health details (kind of certificate, dose, product, test). The
 *     passcheck-result event carries the whole Result either way.
 *
 * The element closes the verifier it loaded when no instance uses it any
 * more (a changed wasm-url, trustlist-url or trust-keys, or the element
 * removed from the page), so that changing attributes leaks nothing.
 *
 * CSS custom properties: --passcheck-valid, --passcheck-invalid,
 * --passcheck-uncheckable, --passcheck-uncheckable-ink, --passcheck-ink,
 * --passcheck-paper, --passcheck-muted, --passcheck-accent, --passcheck-line,
 * --passcheck-radius, --passcheck-font, --passcheck-stale-bg,
 * --passcheck-stale-ink.
 *
 * Parts: status, viewfinder, video, actions, button, camera-button, paste,
 * input, check-button, verdict, title, name, dob, details-button, kind,
 * reasons, next-button, trust.
 */
/** The values of the `details` attribute. */
export type PasscheckDetails = "hidden" | "tap";

export declare class PasscheckVerifier extends HTMLElement {
  /** Resolves once the module and the trust list are loaded (or failed). */
  readonly ready: Promise<void>;
  /** The trust list in use, or null before loading. */
  readonly trustList: TrustListStatus | null;
  /** The Result on screen, or null. */
  readonly result: Result | null;
  /**
   * verify checks text as if scanned: it shows the verdict, dispatches
   * passcheck-result (source "api") and resolves to the event's detail, or
   * to null while the element is still loading or busy.
   */
  verify(text: string): Promise<PasscheckResultDetail | null>;
  /** reset clears the verdict and every trace of the pass, and scans again. */
  reset(): void;
  /** refreshTrustList fetches the trust list again (the element does every 15 minutes). */
  refreshTrustList(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    "passcheck-verifier": PasscheckVerifier;
  }
  interface HTMLElementEventMap {
    "passcheck-result": CustomEvent<PasscheckResultDetail>;
    "passcheck-ready": CustomEvent<PasscheckReadyDetail>;
    "passcheck-error": CustomEvent<PasscheckErrorDetail>;
  }
}
