// Work in the extension host's event loop, in turns: the host also runs VS Code's own services
// and every other extension, so no turn of ours may hold it for long (issue 11: none over 50 ms).
import { setImmediate } from 'node:timers/promises';

/** Lets the loop run (I/O, VS Code's messages, other extensions) before going on. */
export function nextTurn(): Promise<void> {
  return setImmediate();
}

/** Items per turn when each costs a VS Code object or two (a diagnostic and its related hops). */
export const ITEMS_PER_TURN = 100;

/**
 * Hands `items` to `slice`, `perTurn` at a time, letting the loop run between turns; stops (and
 * says so) once `stale()` turns true, so a newer set of chains does not wait for an older one.
 * An empty list is one empty slice: a receiver that replaces what it holds hears of it.
 */
export async function inTurns<T>(items: readonly T[], slice: (items: readonly T[], first: boolean) => void, stale: () => boolean, perTurn = ITEMS_PER_TURN): Promise<boolean> {
  for (let i = 0; i === 0 || i < items.length; i += perTurn) {
    if (i > 0) await nextTurn();
    if (stale()) return false;
    slice(items.slice(i, i + perTurn), i === 0);
  }
  return true;
}
