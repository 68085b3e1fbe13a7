// The "Lockpath" output channel: what the extension and the index server did, with times.
import * as vscode from 'vscode';

export interface OutputLog extends vscode.Disposable {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}

export function createOutputLog(): OutputLog {
  const channel = vscode.window.createOutputChannel('Lockpath', { log: true });
  return {
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}
