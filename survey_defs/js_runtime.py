"""The browser half of show_if: a tiny evaluator of the JSON AST from ``expressions.to_json``.

It follows the same rules as :func:`survey_defs.expressions.evaluate` (tests run both on the same
cases when ``node`` is installed). Serve it inline or as a static file.
"""

JS_RUNTIME = """
// hailong show_if runtime: same rules as survey_defs/expressions.py evaluate().
function makeShowIf(answers) {
  const num = v => typeof v === "number";
  const same = (a, b) => (num(a) && num(b)) || (typeof a === typeof b &&
    (typeof a === "string" || typeof a === "boolean"));
  const cmp = (op, a, b) => {
    if (a === null || a === undefined || b === null || b === undefined || !same(a, b)) return false;
    if (op === "==") return a === b;
    if (op === "!=") return a !== b;
    if (typeof a === "boolean") return false;
    return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
  };
  const get = n => { const v = answers[n]; return Array.isArray(v) ? null : (v ?? null); };
  const run = node => {
    if ("lit" in node) return node.lit;
    if ("var" in node) return get(node.var);
    if ("call" in node) {
      const raw = answers[node.args[0].var];
      if (node.call === "answered")
        return raw !== null && raw !== undefined && raw !== "" &&
          !(Array.isArray(raw) && raw.length === 0);
      const chosen = Array.isArray(raw) ? raw : (raw === null || raw === undefined ? [] : [raw]);
      if (node.call === "count") return chosen.length;
      return chosen.some(c => cmp("==", c, node.args[1].lit));
    }
    const op = node.op;
    if (op === "and") return node.args.every(a => run(a) === true);
    if (op === "or") return node.args.some(a => run(a) === true);
    if (op === "not") return run(node.args[0]) !== true;
    if (op === "in" || op === "not in") {
      const v = run(node.args[0]);
      if (v === null || v === undefined) return false;
      const hit = node.values.some(x => cmp("==", v, x));
      return op === "in" ? hit : !hit;
    }
    return cmp(op, run(node.args[0]), run(node.args[1]));
  };
  return { run };
}
"""
