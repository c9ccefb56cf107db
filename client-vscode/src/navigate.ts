// Opening a result: the document at the exact range, matched tokens highlighted, the open reported to the server.
import * as vscode from 'vscode';
import { focusOf, symbolPattern } from './logic/format';
import type { Range, SearchHit } from './logic/protocol';
import { Methods } from './logic/protocol';
import type { ServerManager } from './server';

// The whole result, lit briefly when it opens so the eye finds it; the selection then marks only its name.
const chunkDecoration = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
  isWholeLine: true,
});
const ChunkHighlightMs = 1500;

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
    // Only the symbol's name (or the best token) is selected: one keystroke must not replace the whole method.
    const name = focusRange(doc, hit, safe);
    editor.selection = new vscode.Selection(name.end, name.start);
    editor.revealRange(safe, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.revealRange(name, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(chunkDecoration, [safe]);
    setTimeout(() => editor.setDecorations(chunkDecoration, []), ChunkHighlightMs);
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

/**
 * The range to select: the focus the row showed (focusOf), checked against the document; when the file has moved
 * on since indexing, the symbol's first whole-word occurrence inside the result, else the result's start.
 */
function focusRange(doc: vscode.TextDocument, hit: SearchHit, chunk: vscode.Range): vscode.Range {
  const f = focusOf(hit);
  const planned = doc.validateRange(new vscode.Range(f.line, f.character, f.line, f.character + f.length));
  if (!hit.symbol || doc.getText(planned) === hit.symbol) {
    return planned;
  }
  const word = symbolPattern(hit.symbol);
  for (let line = chunk.start.line; line <= chunk.end.line; line++) {
    const m = word.exec(doc.lineAt(line).text);
    if (m) {
      const start = m.index + m[1].length;
      return new vscode.Range(line, start, line, start + hit.symbol.length);
    }
  }
  return new vscode.Range(chunk.start, chunk.start);
}
