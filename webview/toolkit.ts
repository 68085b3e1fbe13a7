// The only file that knows which web-component library draws the panel's controls.
// @vscode/webview-ui-toolkit was archived upstream in January 2025; its successor is
// @vscode-elements/elements. Swapping is a change to this file alone: every other module asks
// for a badge, a button, a divider or a progress indicator through these functions.
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeDivider, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeButton(), vsCodeDivider(), vsCodeProgressRing());
}

/** A small count or tag; the text is set as text, never as markup. */
export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

export function button(text: string, onClick: () => void, secondary = false): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = text;
  if (secondary) el.setAttribute('appearance', 'secondary');
  el.addEventListener('click', onClick);
  return el;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

export function progress(): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', 'indexing');
  return el;
}
