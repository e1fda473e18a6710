// i18n.js: string tables (one per language, site/i18n/<lang>.json, carried in
// the build), the language choice, and date formatting. Dates that are only a
// date (date of birth, vaccination date) are shown as written in the pass;
// instants (validity, sample time) in the device's local time.

import { languages, valueSets } from "passcheck:build";

const STORE_KEY = "passcheck.lang";
const FALLBACK = "en";

/** available lists the language codes, with English first. */
export function available() {
  return Object.keys(languages).sort((a, b) => (a === FALLBACK ? -1 : b === FALLBACK ? 1 : a.localeCompare(b)));
}

/**
 * pick chooses the language: the stored choice, else the first of the
 * browser's languages that has a table, else English.
 */
export function pick(stored, browserLangs) {
  if (stored && languages[stored]) return stored;
  for (const l of browserLangs || []) {
    const base = String(l).toLowerCase().split("-")[0];
    if (languages[base]) return base;
  }
  return FALLBACK;
}

export function storedLanguage() {
  try {
    return localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

export function storeLanguage(lang) {
  try {
    localStorage.setItem(STORE_KEY, lang);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

/** Translator is bound to one language. */
export class Translator {
  constructor(lang) {
    this.lang = languages[lang] ? lang : FALLBACK;
    this.table = languages[this.lang];
    this.fallback = languages[FALLBACK];
  }

  /** t returns the string for key with {name} placeholders filled. */
  t(key, vars) {
    let s = this.table[key];
    if (s === undefined) s = this.fallback[key];
    if (s === undefined) return key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  has(key) {
    return key in this.table || key in this.fallback;
  }

  /**
   * reason explains a failed check in plain words from its code; a code the
   * tables do not know falls back to the module's own message.
   */
  reason(code, message) {
    const key = "code." + code;
    if (this.has(key)) return this.t(key);
    if (code.startsWith("TRUSTLIST_")) return this.t("code.TRUSTLIST_INVALID") + " (" + code + ")";
    return message ? message + " (" + code + ")" : this.t("code.unknown", { code });
  }

  /**
   * display names a value-set code: the table's translation, else the EU
   * value set's display name, else the raw code.
   */
  display(set, code) {
    if (code === undefined || code === null || code === "") return "";
    code = String(code);
    const key = "valueset." + set + "." + code;
    if (key in this.table) return this.table[key];
    const vs = valueSets[set];
    if (vs && vs[code]) return vs[code];
    return code;
  }

  /** instant formats an RFC 3339 time in the device's local time zone. */
  instant(v) {
    const ms = typeof v === "number" ? v : Date.parse(v);
    if (v === "" || v === undefined || isNaN(ms)) return v ? String(v) : "";
    return new Intl.DateTimeFormat(this.lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
  }

  /**
   * date formats a date-only value ("1990-04-14", "1990-04", "1990") as
   * written, without a time-zone shift; anything else is shown raw.
   */
  date(v) {
    if (typeof v !== "string" || v === "") return "";
    let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m) {
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
      return new Intl.DateTimeFormat(this.lang, { dateStyle: "long", timeZone: "UTC" }).format(d);
    }
    m = /^(\d{4})-(\d{2})$/.exec(v);
    if (m) {
      const d = new Date(Date.UTC(+m[1], +m[2] - 1, 1));
      return new Intl.DateTimeFormat(this.lang, { year: "numeric", month: "long", timeZone: "UTC" }).format(d);
    }
    // A date-time in a date field (some issuers) is shown as its date.
    m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(v);
    if (m) return this.date(m[1] + "-" + m[2] + "-" + m[3]);
    return v;
  }

  /**
   * plural returns the string for key in the plural form of n in this
   * language (Intl.PluralRules: key.one, key.few, key.other, …), with {n}
   * filled; key.other is the fallback, then key itself.
   */
  plural(key, n, vars) {
    let form = "other";
    try {
      form = new Intl.PluralRules(this.lang).select(n);
    } catch {
      // an engine without the language: "other"
    }
    const all = { n, ...(vars || {}) };
    for (const k of [key + "." + form, key + ".other", key]) if (this.has(k)) return this.t(k, all);
    return key;
  }

  /** duration says roughly how long ms is ("3 min", "5 hours", "1 day"). */
  duration(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 90) return this.plural("time.seconds", s);
    if (s < 90 * 60) return this.plural("time.minutes", Math.round(s / 60));
    if (s < 48 * 3600) return this.plural("time.hours", Math.round(s / 3600));
    return this.plural("time.days", Math.round(s / 86400));
  }
}
