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
      const out = {};
      for (const choice of group.choices) {
        pc.setRules(choice);
        const per = {};
        for (const c of group.cases) {
          for (let i = 0; i < 50; i++) await pc.verify(c.text, { at: c.at });
          const times = [];
          for (let b = 0; b < job.iterations; b++) {
            const t0 = cpu();
            for (let i = 0; i < 20; i++) await pc.verify(c.text, { at: c.at });
            times.push((cpu() - t0) / 20);
          }
          times.sort((a, b) => a - b);
          per[c.name] = { medianMs: times[times.length >> 1], minMs: times[0] };
        }
        out[JSON.stringify(choice)] = per;
      }
      return out;
    },
  };
}
