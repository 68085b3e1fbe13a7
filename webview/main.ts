// The chain panel's script. State arrives by message only (see chainPanelProtocol.ts), is
// validated, and is rendered as text.
import { CHAIN_PANEL_PROTOCOL, PANEL_PAGE_SIZE, parseToPanel, type ChainDto, type ChainEvidenceDto, type FromPanel, type OverlayDto } from '../src/protocol/chainPanelProtocol';
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

  let generation = -1;
  let total = 0;
  /** A chain to reveal once its page arrives. */
  let revealing: string | undefined;
  /**
   * Chains arrive in pages: the list is drawn with the first page and once all are in, the
   * count as they come (drawing a 2,000-chain list per page would redo most of it ten times).
   */
  const received = (): void => {
    const complete = chains.length >= total;
    if (complete && (selected === undefined || !chains.some((c) => c.id === selected))) selected = chains[0]?.id;
    else if (selected === undefined) selected = chains[0]?.id;
    waiting.hidden = true;
    app.removeAttribute('aria-busy');
    clear(count);
    count.append(badge(complete ? `${chains.length} chain${chains.length === 1 ? '' : 's'}` : `${chains.length} of ${total} chains`));
    const first = chains.length <= PANEL_PAGE_SIZE;
    if (complete && revealing !== undefined) {
      const id = revealing;
      revealing = undefined;
      if (chains.some((c) => c.id === id)) {
        select(id, true);
        return;
      }
    }
    if (first || complete) render();
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const msg = parseToPanel(event.data);
    if (msg === undefined) return;
    switch (msg.type) {
      case 'chains/set':
        chains = [...msg.chains];
        generation = msg.generation;
        total = msg.total;
        received();
        return;
      case 'chains/more':
        // A page of a set replaced meanwhile is dropped.
        if (msg.generation !== generation || chains.length >= total) return;
        chains.push(...msg.chains);
        received();
        return;
      case 'overlay/set':
        overlay = msg.overlay;
        evidence = new Map((overlay?.chains ?? []).map((c) => [c.chainId, c]));
        trace.render(overlay);
        render();
        return;
      case 'chains/reveal':
        if (chains.some((c) => c.id === msg.chainId)) select(msg.chainId, true);
        // The chain may be in a page still to come.
        else if (chains.length < total) revealing = msg.chainId;
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
