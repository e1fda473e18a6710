// Tests of rules.js (the rule choice, the rule line, the refusal notes),
// run by `node --test` from the Go test TestSiteJSUnit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseChoice, ruleChoice, rulesLine, describe, lead, ruleNotes } from "./rules.js";

const tr = {
  lang: "vi",
  t: (key, vars) => key + (vars ? " " + JSON.stringify(vars) : ""),
  duration: (ms) => Math.round(ms / 3600000) + " h",
  plural: (key, n) => key + " " + n,
};

test("parseChoice", () => {
  assert.deepEqual(parseChoice(""), { country: "", region: "" });
  assert.deepEqual(parseChoice(" de "), { country: "DE", region: "" });
  assert.deepEqual(parseChoice("xx/R2"), { country: "XX", region: "R2" });
  assert.deepEqual(parseChoice("NONE"), { country: "none", region: "" });
  assert.deepEqual(parseChoice(undefined), { country: "", region: "" });
});

test("ruleChoice: the address first, then the build's default", () => {
  assert.deepEqual(ruleChoice({ rulesCountry: "XX" }, "?rules=none"), { country: "none", region: "" });
  assert.deepEqual(ruleChoice({ rulesCountry: "XX" }, ""), { country: "XX", region: "" });
  assert.deepEqual(ruleChoice({}, ""), { country: "", region: "" });
});

test("rulesLine", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  const st = { country: "EU", region: "", issuedAt: "2026-03-01T10:00:00Z" };
  assert.equal(rulesLine(st, now, tr), 'rules.line.eu {"age":"2 h"}');
  assert.equal(rulesLine({ ...st, country: "none" }, now, tr), "rules.line.none");
  assert.equal(rulesLine({ ...st, country: "XX", region: "R2" }, now, tr), 'rules.line.region {"country":"XX","region":"R2","age":"2 h"}');
  assert.equal(rulesLine(null, now, tr), "rules.line.loading");
  // Rules that cannot be read: no rule in force, whatever the choice.
  assert.equal(rulesLine({ ...st, unreadable: "JSON text (payload keys 7 and 6)" }, now, tr), "rules.line.unreadable");
  assert.equal(rulesLine({ ...st, country: "none", unreadable: "x" }, now, tr), "rules.line.none");
  assert.equal(rulesLine({ ...st, country: "XX", leftOut: 2 }, now, tr), 'rules.line.country {"country":"XX","age":"2 h"}rules.line.leftOut 2');
  assert.equal(rulesLine({ ...st, leftOut: 0 }, now, tr), 'rules.line.eu {"age":"2 h"}');
});

test("describe: the page's language, else English", () => {
  const r = { id: "X", description: "english", descriptions: [{ lang: "en", desc: "english" }, { lang: "vi", desc: "tiếng Việt" }] };
  assert.equal(describe(r, "vi"), "tiếng Việt");
  assert.equal(describe(r, "de"), "english");
  assert.equal(describe({ id: "X", descriptions: [] }, "en"), "X");
});

test("lead: the common refusals", () => {
  const cases = [
    [{ certificateType: "Test", affectedFields: ["t.0.sc", "t.0.tt"], result: "failed" }, "rules.lead.testTooOld"],
    [{ certificateType: "Vaccination", affectedFields: ["v.0", "v.0.dn", "v.0.sd"], result: "failed" }, "rules.lead.seriesIncomplete"],
    [{ certificateType: "Vaccination", affectedFields: ["v.0", "v.0.dt"], result: "failed" }, "rules.lead.vaccinationTooRecent"],
    [{ certificateType: "Vaccination", affectedFields: ["v.0", "v.0.mp"], result: "failed" }, "rules.lead.productNotAccepted"],
    [{ certificateType: "Recovery", affectedFields: ["r.0", "r.0.df", "r.0.du"], result: "failed" }, "rules.lead.recoveryTooOld"],
    [{ certificateType: "General", affectedFields: ["r", "t", "v"], result: "failed" }, ""],
    [{ certificateType: "Test", affectedFields: ["t.0.sc"], result: "open" }, "rules.lead.open"],
  ];
  for (const [r, want] of cases) assert.equal(lead(r), want, JSON.stringify(r));
});

test("ruleNotes", () => {
  assert.deepEqual(ruleNotes({ rules: null }, tr), { technical: true, notes: [] });
  assert.deepEqual(ruleNotes({}, tr), { technical: false, notes: [] });
  const got = ruleNotes(
    {
      rules: {
        country: "EU",
        region: "",
        results: [
          { id: "A", result: "passed", descriptions: [] },
          { id: "B", result: "failed", certificateType: "Test", affectedFields: ["t.0.sc"], description: "old", descriptions: [{ lang: "en", desc: "old" }] },
        ],
      },
    },
    tr,
  );
  assert.equal(got.notes.length, 1);
  assert.equal(got.notes[0].id, "B");
  assert.equal(got.notes[0].lead, "rules.lead.testTooOld");
  assert.equal(got.notes[0].text, 'rules.rule {"id":"B","desc":"old"}');
});
