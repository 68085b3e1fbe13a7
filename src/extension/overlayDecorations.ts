// The trace overlay in the editors: a gutter mark and a note after each source line the loaded
// trace shows running (a diamond on chain hops), with the details in the hover. Texts reach
// VS Code as plain text (contentText, MarkdownString.appendText): a name is never markup.
// The hover is a provider's, made when asked: a hover given with each decoration is parsed by
// the extension host for every decoration at once, which stalled it for a tenth of a second.
import * as vscode from 'vscode';
import type { OverlayLine } from './traceEvidence';
import type { TraceOverlay } from './traceOverlay';
import type { WorkspaceIndex } from './workspaceIndex';

function decorationType(icon: vscode.Uri): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    gutterIconPath: icon,
    gutterIconSize: 'contain',
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic', margin: '0 0 0 2em' },
  });
}

function hoverOf(l: OverlayLine): vscode.MarkdownString {
  const hover = new vscode.MarkdownString();
  hover.appendText('Lockpath trace overlay');
  for (const d of l.details) {
    hover.appendMarkdown('\n\n- ');
    hover.appendText(d);
  }
  return hover;
}

function options(l: OverlayLine): vscode.DecorationOptions {
  return {
    range: new vscode.Range(l.line - 1, 0, l.line - 1, 0),
    renderOptions: { after: { contentText: `\u2190 ${l.inline}` } },
  };
}

export function registerOverlayDecorations(extensionUri: vscode.Uri, index: WorkspaceIndex, overlay: TraceOverlay): vscode.Disposable {
  const observed = decorationType(vscode.Uri.joinPath(extensionUri, 'media', 'observed.svg'));
  const hop = decorationType(vscode.Uri.joinPath(extensionUri, 'media', 'observed-hop.svg'));
  const paint = (editor: vscode.TextEditor): void => {
    const rel = index.relativePath(editor.document.uri);
    const lines = rel === undefined ? [] : overlay.linesOf(rel).filter((l) => l.line <= editor.document.lineCount);
    editor.setDecorations(hop, lines.filter((l) => l.hop).map(options));
    editor.setDecorations(observed, lines.filter((l) => !l.hop).map(options));
  };
  const paintAll = (): void => vscode.window.visibleTextEditors.forEach(paint);
  return vscode.Disposable.from(
    observed, hop,
    overlay.onDidChange(paintAll),
    vscode.window.onDidChangeVisibleTextEditors(paintAll),
    vscode.languages.registerHoverProvider({ language: 'c', scheme: 'file' }, {
      provideHover(document, position) {
        const rel = index.relativePath(document.uri);
        const line = rel === undefined ? undefined : overlay.linesOf(rel).find((l) => l.line === position.line + 1);
        return line === undefined ? undefined : new vscode.Hover(hoverOf(line));
      },
    }),
  );
}
