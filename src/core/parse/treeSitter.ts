// Loads web-tree-sitter and the C grammar from explicit wasm paths: the CLI, the worker
// threads, the tests and the extension each know where their copies live.
import { Language, Parser } from 'web-tree-sitter';

export interface WasmPaths {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  runtime: string;
  /** The grammar, `tree-sitter-c.wasm` from the tree-sitter-c package. */
  language: string;
}

/** The C grammar, loaded once; parsers for it can then be made synchronously (parserFor). */
export async function loadCLanguage(paths: WasmPaths): Promise<Language> {
  await Parser.init({ locateFile: () => paths.runtime });
  return Language.load(paths.language);
}

export function parserFor(language: Language): Parser {
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export async function createCParser(paths: WasmPaths): Promise<Parser> {
  return parserFor(await loadCLanguage(paths));
}
