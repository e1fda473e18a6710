// rules.mjs: the business-rule modes of runner.mjs (wasm/rules_node_test.go,
// and the rule benchmark of make bench-wasm).

export function ruleModes(job, verifier, b64) {
  return {
    // ruleeval: each rule test through verifier.evalRule.
    async ruleeval() {
      const pc = await verifier(job.groups[0], false, false);
      const out = {};
      for (const c of job.ruleTests) out[c.name] = pc.evalRule(c.rule, c.data);
      return out;
    },

    // rules: each group's cases under each rule choice, through the pure-Go
    // and the WebCrypto paths, and the rules status after each choice.
    async rules() {
      const out = {};
      for (const group of job.groups) {
        const pure = await verifier(group, false);
        const fast = await verifier(group, true);
        await fast.warmedUp;
        for (const choice of group.choices) {
          const st = choice === null ? pure.rules : pure.setRules(choice);
          if (choice !== null) fast.setRules(choice);
          out[group.name + "/" + JSON.stringify(choice) + "/status"] = st;
          for (const c of group.cases) {
            const key = group.name + "/" + JSON.stringify(choice) + "/" + c.name;
            out[key] = { pure: await pure.verify(c.text, { at: c.at }), fast: await fast.verify(c.text, { at: c.at }) };
          }
        }
      }
      return out;
    },

    // rulebench: the time of a verify with the rules in use and without
    // (country none), per pass, in Node: the difference is the rules' cost.
    async rulebench() {
      const group = job.groups[0];
      const pc = await verifier(group, false);
      const cpu = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      // Batches alternate the choices, so that the machine's drift falls
      // on each alike.
      const times = {};
      for (let b = -3; b < job.iterations; b++) {
        for (const choice of group.choices) {
          pc.setRules(choice);
          for (const c of group.cases) {
            const t0 = cpu();
            for (let i = 0; i < 40; i++) await pc.verify(c.text, { at: c.at });
            const ms = (cpu() - t0) / 40;
            const key = JSON.stringify(choice);
            if (b < 0) continue; // warm-up
            ((times[key] ||= {})[c.name] ||= []).push(ms);
          }
        }
      }
      const out = {};
      for (const [key, per] of Object.entries(times)) {
        out[key] = {};
        for (const [name, list] of Object.entries(per)) {
          list.sort((a, b) => a - b);
          out[key][name] = { medianMs: list[list.length >> 1], minMs: list[0] };
        }
      }
      return out;
    },
  };
}
