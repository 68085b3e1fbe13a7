// The sidebar tree of chains: rule -> acquisition site -> chain -> hops. A hop opens its line;
// a chain opens the panel at that chain. A filter (command) keeps the chains whose functions
// or files contain a text.
import * as vscode from 'vscode';
import { acquisitionSites } from '../core/editor/chainQueries';
import type { AcquisitionSite, RatedChain } from '../core/editor/editorModel';
import { toChainDto } from './chainDto';
import type { HopDto } from '../protocol/chainPanelProtocol';
import type { WorkspaceIndex } from './workspaceIndex';

type Node =
  | { kind: 'rule'; rule: string; chains: RatedChain[]; sites?: AcquisitionSite[] }
  | { kind: 'site'; site: AcquisitionSite }
  | { kind: 'chain'; chain: RatedChain }
  | { kind: 'hop'; hop: HopDto };

export const CHAIN_TREE_VIEW = 'lockpath.chains';

/** Does a chain mention `text` in a function or file name? */
export function chainMatches(chain: RatedChain, text: string): boolean {
  if (text === '') return true;
  const t = text.toLowerCase();
  const names = [chain.acquire.function, chain.acquire.call, chain.acquire.file, chain.sink, ...chain.hops.flatMap((h) => [h.caller, h.callee, h.file])];
  return names.some((n) => n.toLowerCase().includes(t));
}

class ChainTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  filter = '';

  constructor(private readonly index: WorkspaceIndex) {}

  refresh(): void {
    this.changed.fire();
  }

  /**
   * Each level when VS Code asks for it: the rules with their chains at the top, a rule's
   * sites when it is shown, cached per set of chains and filter. Grouping and sorting a whole
   * tree's 2,176 chains by site in one turn was one of the host's longer stalls.
   */
  getChildren(node?: Node): Node[] {
    if (node === undefined) return this.rules();
    switch (node.kind) {
      case 'rule': return (node.sites ??= acquisitionSites(node.chains)).map((site) => ({ kind: 'site', site }));
      case 'site': return node.site.chains.map((chain) => ({ kind: 'chain', chain }));
      case 'chain': return toChainDto(node.chain).hops.map((hop) => ({ kind: 'hop', hop }));
      case 'hop': return [];
      default: return [];
    }
  }

  private shown: { chains: readonly RatedChain[]; filter: string; rules: Extract<Node, { kind: 'rule' }>[] } | undefined;

  /** The rules that have chains, in the order of their first acquisition site (file, line). */
  private rules(): Node[] {
    const chains = this.index.snapshot?.chains ?? [];
    if (this.shown?.chains === chains && this.shown.filter === this.filter) return this.shown.rules;
    const byRule = new Map<string, { chains: RatedChain[]; first: RatedChain['acquire'] }>();
    for (const c of chains) {
      if (!chainMatches(c, this.filter)) continue;
      const group = byRule.get(c.rule);
      if (group === undefined) byRule.set(c.rule, { chains: [c], first: c.acquire });
      else {
        group.chains.push(c);
        if (c.acquire.file < group.first.file || (c.acquire.file === group.first.file && c.acquire.line < group.first.line)) group.first = c.acquire;
      }
    }
    const rules = [...byRule].sort(([ra, a], [rb, b]) => (a.first.file < b.first.file ? -1 : a.first.file > b.first.file ? 1 : a.first.line - b.first.line || (ra < rb ? -1 : 1)))
      .map(([rule, group]) => ({ kind: 'rule' as const, rule, chains: group.chains }));
    this.shown = { chains, filter: this.filter, rules };
    return rules;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'rule': {
        const n = node.chains.length;
        const item = new vscode.TreeItem(node.rule, C.Expanded);
        item.description = `${n} chain${n === 1 ? '' : 's'}${this.filter !== '' ? ` matching "${this.filter}"` : ''}`;
        return item;
      }
      case 'site': {
        const a = node.site.acquire;
        const item = new vscode.TreeItem(`${a.function}: ${a.call}`, C.Collapsed);
        item.description = `${a.file}:${a.line}`;
        item.resourceUri = this.index.uriOf(a.file);
        item.iconPath = new vscode.ThemeIcon('lock');
        item.command = { command: 'lockpath.openLocation', title: 'Open', arguments: [a.file, a.line, a.column] };
        return item;
      }
      case 'chain': {
        const c = node.chain;
        const item = new vscode.TreeItem(`-> ${c.hops.map((h) => h.callee).join(' -> ')}`, C.Collapsed);
        item.description = c.confidence === 'possible' ? 'possible' : undefined;
        item.tooltip = `${c.hops.length} hops to ${c.sink}`;
        item.iconPath = new vscode.ThemeIcon('debug-stackframe');
        item.command = { command: 'lockpath.openChainPanel', title: 'Show in panel', arguments: [c.id] };
        return item;
      }
      case 'hop': {
        const h = node.hop;
        const item = new vscode.TreeItem(h.label, C.None);
        item.description = `${h.file}:${h.line}`;
        item.tooltip = h.detail === '' ? undefined : h.detail;
        item.iconPath = new vscode.ThemeIcon(h.kind === 'sink' ? 'error' : h.kind === 'acquire' ? 'lock' : 'arrow-down');
        item.command = { command: 'lockpath.openLocation', title: 'Open', arguments: [h.file, h.line, h.column] };
        return item;
      }
      default: {
        const never: never = node;
        throw new Error(`unknown node ${JSON.stringify(never)}`);
      }
    }
  }
}

export function registerChainTree(index: WorkspaceIndex): { disposable: vscode.Disposable; filter(): Promise<void> } {
  const tree = new ChainTree(index);
  const view = vscode.window.createTreeView(CHAIN_TREE_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const disposable = vscode.Disposable.from(view, index.onDidChangeState((s) => {
    if (s.kind === 'ready') tree.refresh();
  }));
  return {
    disposable,
    async filter() {
      const text = await vscode.window.showInputBox({ title: 'Lockpath: Filter Chains', prompt: 'Keep chains through a function or file containing this text (empty: all)', value: tree.filter });
      if (text === undefined) return;
      tree.filter = text.trim();
      view.message = tree.filter === '' ? undefined : `Filtered by "${tree.filter}"`;
      tree.refresh();
    },
  };
}
