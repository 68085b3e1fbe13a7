// Arguments of a call from its text, for rules that exempt a call by the value of one argument
// (ruleSpec.ts `exempt`). Text only: the rules read argument text from the index's detail, never
// from a syntax tree, so either fact reader can supply it.

/** Top-level comma split of an argument list's text: `a, f(b, c), d` -> [a, f(b, c), d]. */
export function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.trim() !== '') out.push(text.slice(start).trim());
  return out;
}
