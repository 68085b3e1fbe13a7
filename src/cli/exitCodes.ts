// Exit codes of every lockpath command (documented in the README).
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3, cancelled: 130 } as const;
