// Is a folder a kernel tree? The files the extension's activation events name, at its root.
import * as vscode from 'vscode';

export const KERNEL_TREE_MARKERS = ['Kbuild', 'MAINTAINERS'] as const;

export async function looksLikeKernelTree(folder: vscode.Uri): Promise<boolean> {
  for (const name of KERNEL_TREE_MARKERS) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, name));
      return true;
    } catch {
      // not there: try the next marker
    }
  }
  return false;
}
