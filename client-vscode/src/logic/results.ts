// Results grouped by file for the tree, and the flat order next/previous walk through.
import type { SearchHit } from './protocol';

export interface FileGroup {
  uri: string;
  folder: string;
  path: string;
  /** Best (lowest) rank in the file: files are ordered by their best hit. */
  bestRank: number;
  hits: SearchHit[];
}

/**
 * One row per symbol: later hits of a symbol already listed (the parts of a long method, the same declaration
 * found twice) are dropped, the first (best ranked) kept. Hits without a symbol are all kept.
 */
export function mergeBySymbol(hits: SearchHit[]): SearchHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    if (!hit.symbol) {
      return true;
    }
    const key = `${hit.uri}\u0000${hit.container ?? ''}\u0000${hit.symbol}\u0000${hit.kind}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** Groups hits by file, files by their best hit, hits inside a file by rank (the ranking is kept). */
export function groupByFile(hits: SearchHit[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  hits.forEach((hit, i) => {
    const rank = hit.rank ?? i + 1;
    let g = groups.get(hit.uri);
    if (!g) {
      g = { uri: hit.uri, folder: hit.folder, path: hit.path, bestRank: rank, hits: [] };
      groups.set(hit.uri, g);
    }
    g.bestRank = Math.min(g.bestRank, rank);
    g.hits.push(hit);
  });
  const list = [...groups.values()];
  return list.sort((a, b) => a.bestRank - b.bestRank);
}

/** The order next/previous visit hits in: as the tree shows them. */
export function navigationOrder(groups: FileGroup[]): SearchHit[] {
  return groups.flatMap((g) => g.hits);
}

/**
 * The index next (+1) or previous (-1) lands on, wrapping around. With nothing current, next starts at the first
 * hit and previous at the last.
 */
export function step(current: number | undefined, count: number, direction: 1 | -1): number | undefined {
  if (count <= 0) {
    return undefined;
  }
  if (current === undefined || current < 0 || current >= count) {
    return direction === 1 ? 0 : count - 1;
  }
  return (current + direction + count) % count;
}

/** A search limited to one folder of the workspace ("Semantic Search in Folder" in the Explorer). */
export interface FolderScope {
  /** The workspace folder URI (the server's `folder` param). */
  folder: string;
  /** Folder-relative glob with '/' (the server's `filters.pathGlob`); absent for the workspace folder itself. */
  pathGlob?: string;
  /** What the title says: the relative path, or the workspace folder's name. */
  label: string;
}

/**
 * The scope of a folder inside a workspace folder, from their URIs (both `file:`, the workspace folder's a prefix
 * of the other's). Glob characters in folder names are made literal, as far as the server's glob allows.
 */
export function folderScope(workspaceFolderUri: string, workspaceFolderName: string, folderUri: string): FolderScope {
  const root = workspaceFolderUri.replace(/\/+$/, '');
  const inner = folderUri.replace(/\/+$/, '');
  const relative = inner.length > root.length ? decodeURIComponent(inner.slice(root.length + 1)) : '';
  if (!relative) {
    return { folder: workspaceFolderUri, label: workspaceFolderName };
  }
  // The server's glob has no escape character: a special character becomes a one-character class ("[*]"); ']'
  // cannot be put in one, so it matches any one character.
  const literal = relative.replace(/[*?[{}]/g, '[$&]').replace(/\]/g, (m, at: number, all: string) => (all[at - 2] === '[' ? m : '?'));
  return { folder: workspaceFolderUri, pathGlob: `${literal}/**`, label: relative };
}
