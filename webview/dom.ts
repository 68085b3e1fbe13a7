// Text-only DOM helpers: nothing from the host (names from source code, from logs) ever reaches
// innerHTML. A function called `<img onerror=…>` renders as those characters.
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * Arrow keys, Home and End move the focus between a list's options (roving tabindex: only the
 * current option is in the tab order); `onMove` hears of moves made by keys only. Returns a
 * function that focuses option `i` without telling `onMove`.
 */
export function rovingFocus(list: HTMLElement, onMove?: (index: number) => void): (index: number) => void {
  const options = (): HTMLElement[] => [...list.querySelectorAll<HTMLElement>('[role="option"]')];
  const focusAt = (index: number): number | undefined => {
    const all = options();
    if (all.length === 0) return undefined;
    const i = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((o, j) => o.setAttribute('tabindex', j === i ? '0' : '-1'));
    all[i]!.focus();
    return i;
  };
  list.addEventListener('keydown', (e) => {
    const all = options();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : undefined;
    if (to === undefined) return;
    e.preventDefault();
    const moved = focusAt(to);
    if (moved !== undefined) onMove?.(moved);
  });
  return (index) => void focusAt(index);
}
