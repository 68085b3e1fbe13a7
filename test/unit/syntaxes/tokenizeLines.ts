// Loads the shipped TextMate grammars with the same engine VS Code uses (vscode-textmate +
// the oniguruma wasm), so a test sees the scopes an editor would show.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export interface Token {
  text: string;
  scopes: string[];
}

const GRAMMAR_FILES: Record<string, string> = {
  'source.ftrace': 'syntaxes/ftrace.tmLanguage.json',
  'source.kernel-log': 'syntaxes/kernel-log.tmLanguage.json',
};

let registry: vsctm.Registry | undefined;

function getRegistry(): vsctm.Registry {
  if (registry !== undefined) return registry;
  const wasm = readFileSync(join(process.cwd(), 'node_modules/vscode-oniguruma/release/onig.wasm'));
  const ready = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  registry = new vsctm.Registry({
    onigLib: ready,
    loadGrammar: async (scopeName) => {
      const file = GRAMMAR_FILES[scopeName];
      if (file === undefined) return null;
      const path = join(process.cwd(), file);
      return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  return registry;
}

export async function loadGrammar(scopeName: string): Promise<vsctm.IGrammar> {
  const grammar = await getRegistry().loadGrammar(scopeName);
  if (grammar === null) throw new Error(`no grammar for ${scopeName}`);
  return grammar;
}

/** Tokens of each line, carrying the state across lines as an editor does. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: readonly string[]): Token[][] {
  let state = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/**
 * Scopes of the token that starts where `needle` first occurs in the line (after `from`).
 * Fails loudly when the needle is not a token start, because then the test's premise
 * about token boundaries is wrong, not just the scope.
 */
export function scopesOf(tokens: readonly Token[], line: string, needle: string, from = 0): { text: string; scopes: string[] } {
  const at = line.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not in line: ${line}`);
  let pos = 0;
  for (const t of tokens) {
    if (pos === at) return t;
    pos += t.text.length;
  }
  throw new Error(`no token starts at "${needle}" in: ${line}\n${describe(tokens)}`);
}

/** A readable dump for failure messages: `text` followed by its innermost scopes. */
export function describe(tokens: readonly Token[]): string {
  return tokens.map((t) => `  ${JSON.stringify(t.text)}  ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/** One line through `scopeName`'s grammar: the tokens an editor would show for it. */
export async function tokensOf(scopeName: string, line: string): Promise<Token[]> {
  return tokenizeLines(await loadGrammar(scopeName), [line])[0]!;
}

/** An assertion for one grammar: `needle` (the first one at or after `from`) carries `scope`. */
export function scopeExpectation(scopeName: string): (line: string, needle: string, scope: string, from?: number) => Promise<void> {
  return async (line, needle, scope, from = 0) => {
    const ts = await tokensOf(scopeName, line);
    const t = scopesOf(ts, line, needle, from);
    assert.ok(t.scopes.includes(scope), `"${needle}" should have ${scope}\n${describe(ts)}`);
  };
}
