// Opening a result: the document at the exact range, matched tokens highlighted, the open reported to the server.
import * as vscode from 'vscode';
import type { Range, SearchHit } from './logic/protocol';
import { Methods } from './logic/protocol';
import type { ServerManager } from './server';

const matchDecoration = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
  borderStyle: 'solid',
  borderWidth: '1px',
});

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/**
 * Shows the hit. `preview` keeps focus in the quick pick and reuses the preview tab; a real open focuses the
 * editor and tells the server (resultOpened feeds the search-quality log).
 */
export async function showHit(server: ServerManager, hit: SearchHit, queryId: string | undefined, preview: boolean): Promise<vscode.TextEditor | undefined> {
  const uri = vscode.Uri.parse(hit.uri);
  const range = toRange(hit.range);
  let editor: vscode.TextEditor;
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    // Clamp: the file may have changed since it was indexed.
    const safe = doc.validateRange(range);
    editor = await vscode.window.showTextDocument(doc, { preview, preserveFocus: preview });
    // Anchor at the end, cursor at the start: the cursor (and "Ln") sit on the first line of the result.
    editor.selection = new vscode.Selection(safe.end, safe.start);
    editor.revealRange(safe, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(matchDecoration, (hit.matches ?? []).map((m) => doc.validateRange(toRange(m.range))));
  } catch (err) {
    void vscode.window.showWarningMessage(`Semantic Search: cannot open ${hit.path}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
  if (!preview && queryId) {
    server.request(Methods.resultOpened, { queryId, resultId: hit.resultId }).catch((err) => server.log.debug(`resultOpened: ${String(err)}`));
  }
  return editor;
}

/** Match highlights belong to the result just opened; drop them when the user starts editing. */
export function clearMatchHighlightsOnEdit(): vscode.Disposable {
  return vscode.workspace.onDidChangeTextDocument((e) => {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === e.document && e.contentChanges.length) {
        editor.setDecorations(matchDecoration, []);
      }
    }
  });
}
