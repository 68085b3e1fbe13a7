// What a loaded trace says beyond the chains (below the hops): which logs, how much of them
// maps onto the tree, and the observed calls the static graph lacks, each openable at its caller.
import type { ExtraEdgeDto, OverlayDto } from '../src/protocol/chainPanelProtocol';
import { clear, el, rovingFocus } from './dom';
import { badge } from './toolkit';

export interface OverlaySection {
  render(overlay: OverlayDto | null): void;
}

export function createOverlaySection(root: HTMLElement, onOpen: (edge: ExtraEdgeDto) => void): OverlaySection {
  const section = el('section', 'overlay');
  section.setAttribute('aria-label', 'Loaded trace');
  section.hidden = true;
  const title = el('h2', 'overlay-title');
  const summary = el('p', 'overlay-summary');
  const edgesTitle = el('h3', 'extra-title', 'Observed calls not in the static graph');
  const edges = el('ul', 'extra-list');
  edges.setAttribute('role', 'listbox');
  edges.setAttribute('aria-label', 'Observed calls not in the static graph');
  section.append(title, summary, edgesTitle, edges);
  root.append(section);
  let list: ExtraEdgeDto[] = [];
  rovingFocus(edges);
  edges.addEventListener('keydown', (e) => {
    const at = [...edges.children].indexOf(document.activeElement as Element);
    if (at >= 0 && (e.key === 'Enter' || e.key === ' ') && list[at]!.file !== '') {
      e.preventDefault();
      onOpen(list[at]!);
    }
  });
  return {
    render(overlay) {
      clear(edges);
      section.hidden = overlay === null;
      if (overlay === null) return;
      title.textContent = `Trace: ${overlay.source}`;
      summary.textContent = overlay.summary;
      list = overlay.extraEdges;
      edgesTitle.hidden = list.length === 0;
      list.forEach((e, i) => {
        const item = el('li', 'extra-edge');
        item.setAttribute('role', 'option');
        item.setAttribute('tabindex', i === 0 ? '0' : '-1');
        item.append(el('span', 'extra-label', e.label), badge(`${e.count}x`));
        if (e.file !== '') {
          item.append(el('span', 'hop-location', `${e.file}:${e.line}`));
          item.addEventListener('click', () => onOpen(e));
        }
        edges.append(item);
      });
    },
  };
}
