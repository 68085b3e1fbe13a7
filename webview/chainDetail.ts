// The selected chain drawn as its hops (right): acquire -> ... -> sink, one option per hop; a
// click, Enter or Space opens the file at the hop's line.
import type { ChainDto, ChainEvidenceDto, HopDto } from '../src/protocol/chainPanelProtocol';
import { clear, el, rovingFocus } from './dom';

export interface ChainDetail {
  /** `evidence`: what a loaded trace saw of the chain's hops, if one is loaded. */
  render(chain: ChainDto | undefined, evidence: ChainEvidenceDto | undefined, traceLoaded: boolean): void;
  focusFirst(): void;
}

const KIND_LABEL: Record<HopDto['kind'], string> = { acquire: 'acquire', call: 'call', pointer: 'pointer', sink: 'sink' };

export function createChainDetail(root: HTMLElement, onOpen: (hop: HopDto) => void, onBack: () => void): ChainDetail {
  const title = el('h2', 'detail-title');
  const list = el('ol', 'hop-list');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Hops of the selected chain');
  root.append(title, list);
  let hops: HopDto[] = [];
  const focusAt = rovingFocus(list);
  list.addEventListener('keydown', (e) => {
    const at = [...list.children].indexOf(document.activeElement as Element);
    if (at >= 0 && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onOpen(hops[at]!);
    } else if (e.key === 'ArrowLeft' || e.key === 'Escape') {
      e.preventDefault();
      onBack();
    }
  });
  return {
    render(chain, evidence, traceLoaded) {
      clear(list);
      hops = chain?.hops ?? [];
      title.textContent = chain === undefined ? 'No chain selected' : chain.title;
      hops.forEach((h, i) => {
        const item = el('li', `hop ${h.kind}`);
        item.setAttribute('role', 'option');
        item.setAttribute('tabindex', i === 0 ? '0' : '-1');
        item.dataset.file = h.file;
        item.dataset.line = String(h.line);
        item.title = `Open ${h.file}:${h.line}`;
        const marker = el('span', 'hop-kind', KIND_LABEL[h.kind]);
        const label = el('span', 'hop-label', h.label);
        const where = el('span', 'hop-location', `${h.file}:${h.line}:${h.column}`);
        item.append(marker, label, where);
        if (h.detail !== '') item.append(el('span', 'hop-detail', h.detail));
        // Hop i of the DTO is hop i - 1 of the evidence: the acquisition has none.
        const seen = i === 0 ? undefined : evidence?.hops[i - 1];
        if (seen !== undefined) {
          item.classList.add(seen.observed ? 'observed' : 'unobserved');
          item.append(el('span', 'hop-evidence', seen.text));
        } else if (traceLoaded && i > 0) {
          item.classList.add('unobserved');
          item.append(el('span', 'hop-evidence', 'not observed'));
        }
        item.addEventListener('click', () => onOpen(h));
        list.append(item);
      });
    },
    focusFirst() {
      focusAt(0);
    },
  };
}
