// The sidebar: the latest results grouped by file, with match highlights, and next/previous navigation.
import * as vscode from 'vscode';
import { baseName, focusOf, hitLocation, hitTitle, kindIcon, labelHighlights, resultNotes, scoreText, snippetLine, whyItMatched } from './logic/format';
import type { SearchHit, SearchResultSet } from './logic/protocol';
import { FileGroup, groupByFile, mergeBySymbol, navigationOrder, step } from './logic/results';

type Node = { kind: 'file'; group: FileGroup } | { kind: 'hit'; hit: SearchHit; group: FileGroup };

export class ResultsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private groups: FileGroup[] = [];
  private order: SearchHit[] = [];
  private nodes = new Map<SearchHit, Node>();
  private current: number | undefined;
  private set: SearchResultSet | undefined;
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private problem: string | undefined;
  private resultsMessage: string | undefined;

  constructor() {
    this.view = vscode.window.createTreeView('semanticSearch.results', { treeDataProvider: this, showCollapseAll: true });
  }

  /**
   * A failure that stops search (undefined clears it). With no results the view shows the welcome content of
   * that failure (its fix as buttons; VS Code hides welcome content under a message); above results, the message.
   */
  setProblem(message: string | undefined): void {
    this.problem = message;
    this.renderMessage();
  }

  private renderMessage(): void {
    this.view.message = this.problem ? (this.order.length ? this.problem : undefined) : this.resultsMessage;
  }

  get queryId(): string | undefined {
    return this.set?.queryId;
  }

  show(set: SearchResultSet): void {
    this.set = set;
    this.groups = groupByFile(mergeBySymbol(set.results ?? []));
    this.order = navigationOrder(this.groups);
    this.nodes = new Map();
    for (const g of this.groups) {
      for (const hit of g.hits) {
        this.nodes.set(hit, { kind: 'hit', hit, group: g });
      }
    }
    this.current = undefined;
    const count = this.order.length;
    const notes = resultNotes(set);
    const files = `${this.groups.length} file${this.groups.length === 1 ? '' : 's'}`;
    this.resultsMessage = count
      ? `${count} result${count === 1 ? '' : 's'} in ${files} for "${set.query}"${notes ? ` — ${notes}` : ''}`
      : `No results for "${set.query}"${notes ? ` — ${notes}` : ''}`;
    this.renderMessage();
    this.view.badge = count ? { value: count, tooltip: `${count} results` } : undefined;
    void vscode.commands.executeCommand('setContext', 'semanticSearch.hasResults', count > 0);
    this.changed.fire(undefined);
  }

  clear(): void {
    this.set = undefined;
    this.groups = [];
    this.order = [];
    this.nodes = new Map();
    this.current = undefined;
    this.resultsMessage = undefined;
    this.renderMessage();
    this.view.badge = undefined;
    void vscode.commands.executeCommand('setContext', 'semanticSearch.hasResults', false);
    this.changed.fire(undefined);
  }

  /** Marks `hit` current (opened from the tree or the quick pick) so next/previous continue from it. */
  setCurrent(hit: SearchHit): void {
    const i = this.order.findIndex((h) => h.resultId === hit.resultId);
    this.current = i >= 0 ? i : this.current;
  }

  /** The hit next/previous moves to, revealed and selected in the tree. */
  async step(direction: 1 | -1): Promise<SearchHit | undefined> {
    const i = step(this.current, this.order.length, direction);
    if (i === undefined) {
      return undefined;
    }
    this.current = i;
    const hit = this.order[i];
    const node = this.nodes.get(hit);
    if (node && this.view.visible) {
      await this.view.reveal(node, { select: true, focus: false });
    }
    return hit;
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return this.groups.map((group) => ({ kind: 'file', group }));
    }
    return node.kind === 'file' ? node.group.hits.map((hit) => this.nodes.get(hit)!) : [];
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'hit' ? { kind: 'file', group: node.group } : undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const g = node.group;
      // resourceUri gives the file icon of the theme; the label is the file name, the description its folder.
      const item = new vscode.TreeItem(vscode.Uri.parse(g.uri), vscode.TreeItemCollapsibleState.Expanded);
      item.id = `file:${g.uri}`;
      // An expandable item with a resourceUri gets the theme's folder icon unless told it is a file.
      item.iconPath = vscode.ThemeIcon.File;
      const dir = g.path.includes('/') ? g.path.slice(0, g.path.lastIndexOf('/')) : '';
      const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
      const folderName = multiRoot ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(g.uri))?.name : undefined;
      item.label = baseName(g.path);
      item.description = `${[folderName, dir].filter(Boolean).join(' • ')}  (${g.hits.length})`;
      item.tooltip = `${g.path} — ${g.hits.length} result${g.hits.length === 1 ? '' : 's'}`;
      item.contextValue = 'semanticSearch.file';
      return item;
    }
    const hit = node.hit;
    const title = hitTitle(hit);
    const label: vscode.TreeItemLabel = { label: title, highlights: labelHighlights(title, hit) };
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `hit:${this.set?.queryId}:${hit.resultId}`;
    item.description = `${scoreText(hit.score)}  :${focusOf(hit).line + 1}  ${snippetLine(hit, 100)}`;
    item.accessibilityInformation = { label: `${title}, line ${focusOf(hit).line + 1}, score ${scoreText(hit.score)}: ${snippetLine(hit, 100)}` };
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**${escapeMd(title)}** — ${escapeMd(hitLocation(hit))} — score ${scoreText(hit.score)}\n\n`);
    if (hit.signature) {
      tip.appendCodeblock(hit.signature, hit.language);
    }
    const why = whyItMatched(hit);
    if (why) {
      tip.appendMarkdown(`\n${escapeMd(why)}\n`);
    }
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon(kindIcon(hit.kind));
    item.command = { command: 'semanticSearch.openResult', title: 'Open Result', arguments: [hit, this.set?.queryId] };
    item.contextValue = 'semanticSearch.hit';
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
