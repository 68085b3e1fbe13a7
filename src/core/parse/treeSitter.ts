// Loads web-tree-sitter and the C grammar from explicit wasm paths: the CLI, the worker
// threads, the tests and the extension each know where their copies live.
import { Language, Parser } from 'web-tree-sitter';

export interface WasmPaths {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  runtime: string;
  /** The grammar, `tree-sitter-c.wasm` from the tree-sitter-c package. */
  language: string;
}

export async function createCParser(paths: WasmPaths): Promise<Parser> {
  await Parser.init({ locateFile: () => paths.runtime });
  const language = await Language.load(paths.language);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
