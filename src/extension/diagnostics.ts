// Diagnostics from the current chains: one per acquisition site (siteDiagnostics.ts decides
// which and what they say), refreshed on every new set of chains and on settings changes.
import * as vscode from 'vscode';
import type { ChainsSnapshot } from '../protocol/indexProtocol';
import { inTurns, nextTurn } from './hostTurns';
import type { Settings, SeveritySetting } from './settingDefaults';
import { shownSites, siteDiagnostic } from './siteDiagnostics';
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
  /** Bumped by every refresh: an older one still in its turns stops. */
  let latest = 0;
  /**
   * Built in turns of their own, after the one that published the chains (which also redraws
   * the other views), and set at once when all are built: with possible chains shown a whole
   * tree has hundreds of sites, each a diagnostic with a dozen related hops.
   */
  const refresh = async (snapshot: ChainsSnapshot | undefined): Promise<void> => {
    const mine = ++latest;
    const stale = (): boolean => mine !== latest;
    await nextTurn();
    if (stale()) return;
    if (snapshot === undefined) {
      collection.clear();
      return;
    }
    const s = settings();
    const uris = new Map<string, vscode.Uri>();
    const uriOf = (file: string): vscode.Uri => {
      let uri = uris.get(file);
      if (uri === undefined) uris.set(file, (uri = index.uriOf(file)));
      return uri;
    };
    const range = (line: number, column: number, length = 0): vscode.Range => {
      const start = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
      return new vscode.Range(start, start.translate(0, length));
    };
    const byFile = new Map<vscode.Uri, vscode.Diagnostic[]>();
    const built = await inTurns(shownSites(snapshot.chains, s), (sites) => sites.map(siteDiagnostic).forEach((site) => {
      const d = new vscode.Diagnostic(range(site.line, site.column, site.length), site.message, site.confidence === 'likely' ? SEVERITY[s.severity] : vscode.DiagnosticSeverity.Hint);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: `${site.rule}-chain`, target: docs };
      d.relatedInformation = site.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uriOf(r.file), range(r.line, r.column)), r.message));
      const uri = uriOf(site.file);
      const list = byFile.get(uri);
      if (list === undefined) byFile.set(uri, [d]);
      else list.push(d);
    }), stale);
    if (!built) return;
    collection.clear();
    collection.set([...byFile]);
  };
  const subscriptions = [
    collection,
    // A refresh still in its turns when the extension goes stops instead of setting a disposed collection.
    { dispose: () => void latest++ },
    index.onDidChangeState((state) => {
      if (state.kind === 'ready') void refresh(state.snapshot);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lockpath')) void refresh(index.snapshot);
    }),
  ];
  return vscode.Disposable.from(...subscriptions);
}
