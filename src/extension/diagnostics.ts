// Diagnostics from the current chains: one per acquisition site (siteDiagnostics.ts decides
// which and what they say), refreshed on every new set of chains and on settings changes.
import * as vscode from 'vscode';
import type { ChainsSnapshot } from '../protocol/indexProtocol';
import type { Settings, SeveritySetting } from './settingDefaults';
import { siteDiagnostics } from './siteDiagnostics';
import type { WorkspaceIndex } from './workspaceIndex';

const SEVERITY: Record<SeveritySetting, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Diagnostics carry this source; tests and users filter the Problems panel by it. */
export const DIAGNOSTIC_SOURCE = 'lockpath';

export function registerDiagnostics(index: WorkspaceIndex, settings: () => Settings, docs: vscode.Uri): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  const refresh = (snapshot: ChainsSnapshot | undefined): void => {
    collection.clear();
    if (snapshot === undefined) return;
    const s = settings();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const at = (file: string, line: number, column: number, length = 0): vscode.Location => {
      const start = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
      return new vscode.Location(index.uriOf(file), new vscode.Range(start, start.translate(0, length)));
    };
    for (const site of siteDiagnostics(snapshot.chains, s)) {
      const where = at(site.file, site.line, site.column, site.length);
      const d = new vscode.Diagnostic(where.range, site.message, site.confidence === 'likely' ? SEVERITY[s.severity] : vscode.DiagnosticSeverity.Hint);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: `${site.rule}-chain`, target: docs };
      d.relatedInformation = site.related.map((r) => new vscode.DiagnosticRelatedInformation(at(r.file, r.line, r.column), r.message));
      const key = where.uri.toString();
      const list = byFile.get(key);
      if (list === undefined) byFile.set(key, [d]);
      else list.push(d);
    }
    for (const [uri, list] of byFile) collection.set(vscode.Uri.parse(uri), list);
  };
  const subscriptions = [
    collection,
    index.onDidChangeState((state) => {
      if (state.kind === 'ready') refresh(state.snapshot);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lockpath')) refresh(index.snapshot);
    }),
  ];
  return vscode.Disposable.from(...subscriptions);
}
