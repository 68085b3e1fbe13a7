// The list of chains (left): one option per chain, the selected one shows its hops.
import type { ChainDto, ChainEvidenceDto } from '../src/protocol/chainPanelProtocol';
import { clear, el, rovingFocus } from './dom';
import { badge } from './toolkit';

export interface ChainList {
  /** `evidence`: per chain id, what a loaded trace saw of it. */
  render(chains: readonly ChainDto[], selected: string | undefined, evidence: ReadonlyMap<string, ChainEvidenceDto>): void;
  focusSelected(): void;
}

export function createChainList(root: HTMLElement, onSelect: (id: string, focusHops: boolean) => void): ChainList {
  const list = el('ul', 'chain-list');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Chains');
  root.append(list);
  let ids: string[] = [];
  let selectedAt = 0;
  const focusAt = rovingFocus(list, (i) => onSelect(ids[i]!, false));
  list.addEventListener('keydown', (e) => {
    const at = ids.indexOf((document.activeElement as HTMLElement | null)?.dataset.chainId ?? '');
    if (at >= 0 && (e.key === 'Enter' || e.key === 'ArrowRight')) {
      e.preventDefault();
      onSelect(ids[at]!, true);
    }
  });
  return {
    render(chains, selected, evidence) {
      clear(list);
      ids = chains.map((c) => c.id);
      selectedAt = Math.max(0, ids.indexOf(selected ?? ''));
      for (const c of chains) {
        const item = el('li', `chain ${c.confidence}`);
        item.setAttribute('role', 'option');
        item.dataset.chainId = c.id;
        item.setAttribute('aria-selected', String(c.id === selected));
        item.setAttribute('tabindex', c.id === selected ? '0' : '-1');
        const head = el('div', 'chain-title', c.title);
        const meta = el('div', 'chain-meta');
        meta.append(el('span', 'chain-site', c.site), badge(`${c.hops.length - 1} hop${c.hops.length === 2 ? '' : 's'}`));
        if (c.confidence === 'possible') meta.append(badge('possible'));
        const seen = evidence.get(c.id);
        if (seen !== undefined) {
          item.classList.add('observed');
          meta.append(badge(`${seen.observedHops}/${seen.hops.length} observed`));
        }
        item.append(head, meta);
        item.addEventListener('click', () => onSelect(c.id, false));
        list.append(item);
      }
      if (selected === undefined && chains.length > 0) list.firstElementChild?.setAttribute('tabindex', '0');
    },
    focusSelected() {
      focusAt(selectedAt);
    },
  };
}
