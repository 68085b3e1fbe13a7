// Which files need a full parse. Files are first read from tokens, which gives calls but no
// control flow; control flow matters only in functions that call something that changes the
// held context: a primitive, or a wrapper inferred from other functions' control flow. Which
// names those are is the rules' to say (rules/effectfulNames.ts): the facade hands the question
// in as a FlowQuestion, so that the index never builds a graph or a rule model itself. The
// caller parses the files this names, and asks again until none is left: a new wrapper can make
// its callers need control flow in turn.
import type { FileFacts } from '../model/facts';
import type { PackedFileFacts } from '../model/packedFacts';
import { directCallee } from '../model/packedCalls';

/** Which called names have an effect on the held context, as the rules answer it. */
export interface FlowQuestion {
  /** Names with an effect whatever the other files hold (the rules' primitives): a file calling one is parsed at once. */
  primitives: readonly string[];
  /** Names with an effect given these files: the primitives and the functions of fully parsed files that summarize to one. */
  effectfulNames(files: readonly PackedFileFacts[], detail: (file: PackedFileFacts) => FileFacts | undefined): Set<string>;
}

/**
 * Fully parsed files that need not be: the token reader did not decline them and they call none
 * of `names`. A scan from scratch would read them from tokens; reading them so again keeps the
 * result independent of the files' history (a file parsed once stays parsed otherwise).
 */
export function parsedFilesCallingNone(files: readonly PackedFileFacts[], names: ReadonlySet<string>): PackedFileFacts[] {
  return files.filter((f) => f.reader === undefined && f.tokensDeclined !== true && f.functions.length > 0 && !callsName(f, names));
}

/** Files read from tokens with a direct call to one of `names`. */
export function tokenFilesCalling(files: readonly PackedFileFacts[], names: ReadonlySet<string>): PackedFileFacts[] {
  return files.filter((f) => f.reader === 'tokens' && callsName(f, names));
}

/**
 * Whether the file, read again as it is, would be read the way its facts were (`names`: those
 * with an effect now; undefined when every file is parsed): from tokens unless it calls one of
 * them, parsed if it does or its tokens could not be read. A file parsed without functions is
 * left to be read again.
 */
export function readAsBefore(f: PackedFileFacts, names: ReadonlySet<string> | undefined): boolean {
  if (names === undefined) return f.reader === undefined;
  if (f.reader === 'tokens') return !callsName(f, names);
  return f.tokensDeclined === true || (f.functions.length > 0 && callsName(f, names));
}

function callsName(f: PackedFileFacts, names: ReadonlySet<string>): boolean {
  return f.functions.some((fn) => {
    for (let i = 0; i < fn.callCount; i++) {
      const callee = directCallee(f, fn, i);
      if (callee !== undefined && names.has(callee)) return true;
    }
    return false;
  });
}
