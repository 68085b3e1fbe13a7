// Hover on a C call that is a hop of a chain: what is held, from where, what lies ahead.
import * as vscode from 'vscode';
import { hopHovers } from './hopHover';
import type { WorkspaceIndex } from './workspaceIndex';

/** Chains described in one hover; the rest are counted. */
const SHOWN = 3;

function render(hovers: ReturnType<typeof hopHovers>): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // Only the extension's own command may run from the hover's links.
  md.isTrusted = { enabledCommands: ['lockpath.openLocation', 'lockpath.openChainPanel'] };
  const link = (text: string, command: string, args: unknown[]): void => {
    md.appendMarkdown(`[`);
    md.appendText(text);
    md.appendMarkdown(`](command:${command}?${encodeURIComponent(JSON.stringify(args))})`);
  };
  hovers.slice(0, SHOWN).forEach((h, n) => {
    if (n > 0) md.appendMarkdown('\n\n---\n\n');
    md.appendMarkdown('**Lockpath** hop ');
    md.appendText(`${h.index}/${h.hops}: ${h.hop}`);
    md.appendMarkdown('\n\nHeld: ');
    md.appendText(`${h.held}, taken at `);
    link(`${h.heldAt.file}:${h.heldAt.line}`, 'lockpath.openLocation', [h.heldAt.file, h.heldAt.line, h.heldAt.column]);
    md.appendMarkdown('\n\n');
    if (h.ahead.length === 0) md.appendText(`This call reaches the sink ${h.sink}().`);
    else {
      md.appendText(`Ahead to ${h.sink}():`);
      for (const a of h.ahead) {
        md.appendMarkdown('\n- ');
        md.appendText(a);
      }
    }
    md.appendMarkdown('\n\n');
    link('Open in the chain panel', 'lockpath.openChainPanel', [h.chainId]);
  });
  if (hovers.length > SHOWN) {
    md.appendMarkdown('\n\n');
    md.appendText(`and ${hovers.length - SHOWN} more chain${hovers.length - SHOWN === 1 ? '' : 's'} through this call`);
  }
  return md;
}

export function registerHopHover(index: WorkspaceIndex): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'c', scheme: 'file' }, {
    provideHover(document, position) {
      const rel = index.relativePath(document.uri);
      const chains = index.snapshot?.chains;
      const range = document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
      if (rel === undefined || chains === undefined || range === undefined) return undefined;
      const hovers = hopHovers(chains, rel, position.line + 1, document.getText(range));
      return hovers.length === 0 ? undefined : new vscode.Hover(render(hovers), range);
    },
  });
}
