// Host side of the call-chain panel: one webview, fed by message (never by HTML), that opens
// the file at a hop's line when the user picks one. The webview is treated as untrusted: its
// messages are validated and it can only open locations that are hops of the current chains.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CHAIN_PANEL_PROTOCOL, PANEL_PAGE_SIZE, parseFromPanel, type ChainDto, type OverlayDto, type ToPanel } from '../protocol/chainPanelProtocol';
import { panelOrder, toChainDto } from './chainDto';
import { inTurns } from './hostTurns';
import type { OutputLog } from './outputLog';
import { toOverlayDto } from './traceEvidence';
import type { TraceOverlay } from './traceOverlay';
import type { WorkspaceIndex } from './workspaceIndex';

export const CHAIN_PANEL_VIEW_TYPE = 'lockpath.chainPanel';

export class ChainPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ToPanel[] = [];
  private chains: ChainDto[] = [];
  private evidence: OverlayDto | null = null;
  private generation = 0;
  /** Bumped by every set of chains sent. */
  private sending = 0;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri, private readonly index: WorkspaceIndex, private readonly overlay: TraceOverlay, private readonly log: OutputLog) {
    this.subscription = vscode.Disposable.from(
      index.onDidChangeState((state) => {
        if (state.kind === 'ready' && this.panel !== undefined) this.sendChains();
      }),
      overlay.onDidChange(() => {
        if (this.panel !== undefined) this.sendOverlay();
      }),
    );
  }

  /** Opens (or shows) the panel; with a chain id, selects that chain. */
  show(chainId?: string): void {
    if (this.panel === undefined) this.create();
    else this.panel.reveal(undefined, false);
    this.sendChains();
    this.sendOverlay();
    if (chainId !== undefined) this.post({ type: 'chains/reveal', chainId });
  }

  private create(): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(CHAIN_PANEL_VIEW_TYPE, 'Lockpath Chains', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [media],
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = skeleton(panel.webview, media);
    panel.webview.onDidReceiveMessage((raw) => this.receive(raw));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
      this.queue = [];
    });
  }

  private receive(raw: unknown): void {
    const msg = parseFromPanel(raw);
    if (msg === undefined) {
      this.log.warn(`chain panel: ignored an invalid message ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        if (msg.protocol !== CHAIN_PANEL_PROTOCOL) this.log.warn(`chain panel speaks protocol ${msg.protocol}, the host ${CHAIN_PANEL_PROTOCOL}`);
        this.ready = true;
        // A webview that is hidden and shown again starts from scratch: give it everything.
        this.sendChains();
        this.sendOverlay();
        for (const m of this.queue.splice(0)) void this.panel?.webview.postMessage(m);
        return;
      case 'chain/select':
        this.log.info(`chain panel: selected ${msg.chainId}`);
        return;
      case 'hop/open': {
        const known = this.chains.some((c) => c.hops.some((h) => h.file === msg.file && h.line === msg.line && h.column === msg.column))
          || (this.evidence?.extraEdges.some((e) => e.file !== '' && e.file === msg.file && e.line === msg.line) ?? false);
        if (!known) {
          this.log.warn(`chain panel: refused to open ${msg.file}:${msg.line}, which is no hop of the current chains nor an observed edge`);
          return;
        }
        this.log.info(`chain panel: open ${msg.file}:${msg.line}:${msg.column}`);
        // Beside the panel, never over it: the user walks the chain hop by hop.
        const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
        void openAt(this.index.uriOf(msg.file), msg.line, msg.column, column);
        return;
      }
      default: {
        const never: never = msg;
        this.log.warn(`chain panel: unexpected message ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The chains in pages, each made and posted in a turn of its own (a whole tree's DTOs in one
   * message held the host for 0.1-0.3 s); a newer set stops an older one still being sent.
   */
  private sendChains(): void {
    const snapshot = this.index.snapshot;
    const generation = (this.generation = snapshot?.generation ?? this.generation);
    const mine = ++this.sending;
    const chains = snapshot === undefined ? [] : panelOrder(snapshot.chains);
    const sent: ChainDto[] = (this.chains = []);
    // Only the newest set matters: drop older ones still waiting for `ready`.
    this.queue = this.queue.filter((m) => m.type !== 'chains/set' && m.type !== 'chains/more');
    void inTurns(chains, (slice, first) => {
      const page = slice.map(toChainDto);
      sent.push(...page);
      this.post(first ? { type: 'chains/set', generation, total: chains.length, chains: page } : { type: 'chains/more', generation, chains: page });
    }, () => mine !== this.sending || this.panel === undefined, PANEL_PAGE_SIZE);
  }

  private sendOverlay(): void {
    const loaded = this.overlay.current;
    this.evidence = loaded === undefined ? null : toOverlayDto(loaded, this.overlay.sources);
    this.queue = this.queue.filter((m) => m.type !== 'overlay/set');
    this.post({ type: 'overlay/set', overlay: this.evidence });
  }

  private post(m: ToPanel): void {
    if (this.panel === undefined) return;
    if (!this.ready) this.queue.push(m);
    else void this.panel.webview.postMessage(m);
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}

/** Opens a file with the cursor at a 1-based line and column (in the first editor group unless told). */
export async function openAt(uri: vscode.Uri, line: number, column: number, viewColumn = vscode.ViewColumn.One): Promise<void> {
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  await vscode.window.showTextDocument(uri, { viewColumn, selection: new vscode.Range(pos, pos), preserveFocus: false });
}

/** The page: no data in it, only the script and stylesheet under a strict CSP with a fresh nonce. */
function skeleton(webview: vscode.Webview, media: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'webview.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Lockpath Chains</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
