// Document links in log and trace files: a source position opens that line of the tree; a
// `func+0x1a/0x40` symbol opens the function's definition, which the index server looks up
// when the link is followed (not for every line of a large log).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { findLogLinks } from './logLinks';
import type { WorkspaceIndex } from './workspaceIndex';

/** Files the links are offered in: the log languages of package.json, and *.log files. */
export const LOG_SELECTOR: vscode.DocumentSelector = [{ language: 'ftrace' }, { language: 'kernel-log' }, { pattern: '**/*.log' }];

class FunctionLink extends vscode.DocumentLink {
  constructor(range: vscode.Range, readonly name: string) {
    super(range);
    this.tooltip = `Open the definition of ${name}`;
  }
}

/** A file URI with the line in its fragment (`#L12`), which VS Code's opener selects. */
function at(uri: vscode.Uri, line: number): vscode.Uri {
  return uri.with({ fragment: `L${line}` });
}

export function registerLogLinks(index: WorkspaceIndex): vscode.Disposable {
  const provider: vscode.DocumentLinkProvider<vscode.DocumentLink> = {
    provideDocumentLinks(document, token) {
      if (index.root === undefined) return [];
      const exists = new Map<string, boolean>();
      const links: vscode.DocumentLink[] = [];
      for (let i = 0; i < document.lineCount && !token.isCancellationRequested; i++) {
        for (const l of findLogLinks(document.lineAt(i).text)) {
          const range = new vscode.Range(i, l.start, i, l.end);
          if (l.kind === 'function') {
            links.push(new FunctionLink(range, l.name));
            continue;
          }
          const uri = index.uriOf(l.file);
          let ok = exists.get(l.file);
          if (ok === undefined) exists.set(l.file, (ok = existsSync(uri.fsPath)));
          if (!ok) continue;
          const link = new vscode.DocumentLink(range, at(uri, l.line));
          link.tooltip = `Open ${l.file}:${l.line} in the tree`;
          links.push(link);
        }
      }
      return links;
    },
    async resolveDocumentLink(link, token) {
      if (!(link instanceof FunctionLink)) return link;
      const defs = await index.ask('definitions', { name: link.name }, token);
      const def = defs?.[0];
      if (def === undefined) {
        void vscode.window.showInformationMessage(`Lockpath: ${link.name} is not defined in the scanned tree.`);
        return link;
      }
      link.target = at(index.uriOf(def.file), def.line);
      return link;
    },
  };
  return vscode.languages.registerDocumentLinkProvider(LOG_SELECTOR, provider);
}
