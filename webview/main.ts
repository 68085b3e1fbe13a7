// The chain panel's script. State arrives by message only (see chainPanelProtocol.ts), is
// validated, and is rendered as text.
import { CHAIN_PANEL_PROTOCOL, parseToPanel, type ChainDto, type ChainEvidenceDto, type FromPanel, type OverlayDto } from '../src/protocol/chainPanelProtocol';
import { createChainDetail } from './chainDetail';
import { createChainList } from './chainList';
import { clear, el } from './dom';
import { createOverlaySection } from './overlaySection';
import { badge, divider, progress, registerToolkit } from './toolkit';

interface VsCodeApi {
  postMessage(message: FromPanel): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function main(): void {
  registerToolkit();
  const vscode = acquireVsCodeApi();
  const app = document.getElementById('app')!;
  const header = el('header', 'panel-header');
  const heading = el('h1', undefined, 'Lockpath chains');
  const count = el('span', 'chain-count');
  header.append(heading, count);
  const body = el('div', 'layout');
  const left = el('section', 'chains-pane');
  left.setAttribute('aria-label', 'Chains');
  const right = el('section', 'hops-pane');
  right.setAttribute('aria-label', 'Hops');
  body.append(left, right);
  const waiting = el('div', 'waiting');
  waiting.append(progress(), el('span', undefined, 'Waiting for the index…'));
  app.append(header, divider(), waiting, body);

  let chains: ChainDto[] = [];
  let selected: string | undefined;
  let overlay: OverlayDto | null = null;
  let evidence = new Map<string, ChainEvidenceDto>();
  const render = (): void => {
    list.render(chains, selected, evidence);
    detail.render(chains.find((c) => c.id === selected), selected === undefined ? undefined : evidence.get(selected), overlay !== null);
  };
  const select = (id: string, focusHops: boolean): void => {
    selected = id;
    render();
    vscode.postMessage({ type: 'chain/select', chainId: id });
    if (focusHops) detail.focusFirst();
    else list.focusSelected();
  };
  const list = createChainList(left, select);
  const detail = createChainDetail(right, (hop) => vscode.postMessage({ type: 'hop/open', file: hop.file, line: hop.line, column: hop.column }), () => list.focusSelected());
  const trace = createOverlaySection(right, (edge) => vscode.postMessage({ type: 'hop/open', file: edge.file, line: edge.line, column: 1 }));

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const msg = parseToPanel(event.data);
    if (msg === undefined) return;
    switch (msg.type) {
      case 'chains/set': {
        chains = msg.chains;
        if (selected === undefined || !chains.some((c) => c.id === selected)) selected = chains[0]?.id;
        waiting.hidden = true;
        app.removeAttribute('aria-busy');
        clear(count);
        count.append(badge(`${chains.length} chain${chains.length === 1 ? '' : 's'}`));
        render();
        return;
      }
      case 'overlay/set':
        overlay = msg.overlay;
        evidence = new Map((overlay?.chains ?? []).map((c) => [c.chainId, c]));
        trace.render(overlay);
        render();
        return;
      case 'chains/reveal':
        if (chains.some((c) => c.id === msg.chainId)) select(msg.chainId, true);
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${JSON.stringify(never)}`);
      }
    }
  });
  vscode.postMessage({ type: 'ready', protocol: CHAIN_PANEL_PROTOCOL });
}

main();
