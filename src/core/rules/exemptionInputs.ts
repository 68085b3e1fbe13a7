// What a derivation of exemptions asked of the tree, with the answers. The derivation is a pure
// function of them (derivedExemptions.ts reads the tree only through ExemptionSources), so it
// comes out the same while every answer does: after an edit, a live analysis asks the same
// questions again (outlines of a few functions, mostly parsed already, macro and name lookups)
// and derives again only when an answer changed.
import type { BodyOutline, CallSiteReader, Definition, MacroDefinition } from '../model/callSites';

/** The tree as a derivation reads it. */
export interface ExemptionSources {
  reader: CallSiteReader;
  /** Every definition of `name` as called from `file` (each `#ifdef` arm is one); from '', of every function so named. */
  definitions(file: string, name: string): Definition[];
  /** Whether the scanned tree calls `name` anywhere. */
  called(name: string): boolean;
}

type Question =
  | { kind: 'definitions'; file: string; name: string }
  | { kind: 'called'; name: string }
  | { kind: 'outline'; file: string; line: number; name: string }
  | { kind: 'macro'; file: string; name: string };

/** The questions a derivation asked, each once, with the answer as text. */
export interface ExemptionInputs {
  asked: readonly { question: Question; answer: string }[];
}

function ask(sources: ExemptionSources, q: Question): Definition[] | boolean | BodyOutline | MacroDefinition | undefined {
  switch (q.kind) {
    case 'definitions': return sources.definitions(q.file, q.name);
    case 'called': return sources.called(q.name);
    case 'outline': return sources.reader.outline?.(q.file, q.line, q.name);
    case 'macro': return sources.reader.macro?.(q.file, q.name);
  }
}

function answerText(value: ReturnType<typeof ask>): string {
  return JSON.stringify(value ?? null);
}

/**
 * Sources that note every question asked through them (and answer a repeated one from the
 * note); `inputs()`, once the derivation is done, gives what it asked.
 */
export function recordingSources(sources: ExemptionSources): { sources: ExemptionSources; inputs: () => ExemptionInputs } {
  const answers = new Map<string, { question: Question; value: ReturnType<typeof ask>; answer: string }>();
  const asked = <T extends ReturnType<typeof ask>>(q: Question): T => {
    const key = JSON.stringify(q);
    let known = answers.get(key);
    if (known === undefined) {
      const value = ask(sources, q);
      known = { question: q, value, answer: answerText(value) };
      answers.set(key, known);
    }
    return known.value as T;
  };
  const inner = sources.reader;
  const reader: CallSiteReader = {
    arguments: (file, line, column) => inner.arguments(file, line, column),
    guards: (file, line, column) => inner.guards(file, line, column),
    ...(inner.outline !== undefined ? { outline: (file: string, line: number, name: string) => asked<BodyOutline | undefined>({ kind: 'outline', file, line, name }) } : {}),
    ...(inner.macro !== undefined ? { macro: (file: string, name: string) => asked<MacroDefinition | undefined>({ kind: 'macro', file, name }) } : {}),
    ...(inner.expression !== undefined ? { expression: inner.expression.bind(inner) } : {}),
  };
  return {
    sources: {
      reader,
      definitions: (file, name) => asked<Definition[]>({ kind: 'definitions', file, name }),
      called: (name) => asked<boolean>({ kind: 'called', name }),
    },
    inputs: () => ({ asked: [...answers.values()].map(({ question, answer }) => ({ question, answer })) }),
  };
}

/**
 * Does the tree, as `sources` read it now, answer every question as it did? `changedFile`: the
 * only file whose text changed since the answers were given (a live edit). A function's outline
 * is read from its own file alone, so the outlines of other files stand: an edit that makes
 * eighty callers' files be read again asked every outline eighty times (27 ms per update).
 */
export function sameInputs(inputs: ExemptionInputs, sources: ExemptionSources, changedFile?: string): boolean {
  return inputs.asked.every(({ question, answer }) => (changedFile !== undefined && question.kind === 'outline' && question.file !== changedFile)
    || answerText(ask(sources, question)) === answer);
}
