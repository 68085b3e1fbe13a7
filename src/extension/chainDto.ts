// Core chains as the panel's plain DTOs (src/protocol/chainPanelProtocol.ts). No `vscode`.
import { chainConfidence, compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';
import type { ChainDto, HopDto } from '../protocol/chainPanelProtocol';

export function toChainDto(chain: RatedChain): ChainDto {
  const { acquire } = chain;
  const acquireHop: HopDto = {
    kind: 'acquire', file: acquire.file, line: acquire.line, column: acquire.column,
    label: `${acquire.function} takes ${chain.rule} via ${acquire.call}`, detail: acquire.condition ?? '',
  };
  const hops = chain.hops.map((h, i): HopDto => {
    const pointer = h.via !== 'direct';
    const detail = pointer
      ? `through ${h.structType ?? '*'}.${h.via.replace(/^->/, '')}${h.candidates !== undefined ? `, ${h.candidates} candidate${h.candidates === 1 ? '' : 's'}` : ''}`
      : '';
    return {
      kind: i === chain.hops.length - 1 ? 'sink' : pointer ? 'pointer' : 'call',
      file: h.file, line: h.line, column: h.column, label: `${h.caller} -> ${pointer ? `${h.via} = ` : ''}${h.callee}`, detail,
    };
  });
  return {
    id: chain.id, rule: chain.rule, confidence: chainConfidence(chain),
    title: `${acquire.function}: ${acquire.call} -> ${chain.sink}`, site: `${acquire.file}:${acquire.line}`, hops: [acquireHop, ...hops],
  };
}

/** In the panel's order: by acquisition site, as the diagnostics order them, best chains first within one. */
export function panelOrder(chains: readonly RatedChain[]): RatedChain[] {
  return [...chains].sort((a, b) => (a.acquire.file < b.acquire.file ? -1 : a.acquire.file > b.acquire.file ? 1 : 0)
    || a.acquire.line - b.acquire.line || compareChains(a, b));
}

export function toChainDtos(chains: readonly RatedChain[]): ChainDto[] {
  return panelOrder(chains).map(toChainDto);
}
