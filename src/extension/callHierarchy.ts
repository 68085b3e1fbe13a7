// VS Code's call hierarchy for C functions, answered from Lockpath's index (in the server):
// callers and callees, including calls resolved through function-pointer fields, which are
// marked with the field they go through.
import * as vscode from 'vscode';
import type { CallEdge, FunctionLocation } from '../core/editor/editorModel';
import type { WorkspaceIndex } from './workspaceIndex';

export function registerCallHierarchy(index: WorkspaceIndex): vscode.Disposable {
  const keys = new WeakMap<vscode.CallHierarchyItem, string>();
  const item = (fn: FunctionLocation, via?: string): vscode.CallHierarchyItem => {
    const name = new vscode.Position(Math.max(0, fn.line - 1), Math.max(0, fn.column - 1));
    const range = new vscode.Range(Math.max(0, fn.startLine - 1), 0, Math.max(0, fn.endLine - 1), 0);
    const selection = new vscode.Range(name, name.translate(0, fn.name.length));
    const detail = `${fn.file}${via !== undefined && via !== 'direct' ? ` (via ${via}, function pointer)` : ''}`;
    const it = new vscode.CallHierarchyItem(vscode.SymbolKind.Function, fn.name, detail, index.uriOf(fn.file), range.union(selection), selection);
    keys.set(it, fn.key);
    return it;
  };
  const siteRange = (e: CallEdge): vscode.Range => new vscode.Range(e.site.line - 1, Math.max(0, e.site.column - 1), e.site.line - 1, Math.max(0, e.site.column - 1));
  /** Edges grouped by the function at the other end, in first-seen order. */
  const grouped = (edges: CallEdge[], other: (e: CallEdge) => FunctionLocation): [FunctionLocation, CallEdge[]][] => {
    const groups = new Map<string, [FunctionLocation, CallEdge[]]>();
    for (const e of edges) {
      const fn = other(e);
      const key = `${fn.key}\0${e.via}`;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [fn, [e]]);
      else g[1].push(e);
    }
    return [...groups.values()];
  };
  const provider: vscode.CallHierarchyProvider = {
    async prepareCallHierarchy(document, position, token) {
      const rel = index.relativePath(document.uri);
      if (rel === undefined) return undefined;
      const fn = await index.ask('functionAt', { file: rel, line: position.line + 1 }, token);
      return fn ? item(fn) : undefined;
    },
    async provideCallHierarchyIncomingCalls(it, token) {
      const key = keys.get(it);
      const edges = key === undefined ? undefined : await index.ask('callers', { key }, token);
      return (edges ?? []).length === 0 ? [] : grouped(edges!, (e) => e.caller).map(([fn, es]) => new vscode.CallHierarchyIncomingCall(item(fn, es[0]!.via), es.map(siteRange)));
    },
    async provideCallHierarchyOutgoingCalls(it, token) {
      const key = keys.get(it);
      const edges = key === undefined ? undefined : await index.ask('callees', { key }, token);
      return (edges ?? []).length === 0 ? [] : grouped(edges!, (e) => e.callee).map(([fn, es]) => new vscode.CallHierarchyOutgoingCall(item(fn, es[0]!.via), es.map(siteRange)));
    },
  };
  return vscode.languages.registerCallHierarchyProvider({ language: 'c', scheme: 'file' }, provider);
}
