// The queries a user ran, most recent first: the search box starts from the last one and offers the others.
// Kept free of `vscode` (the extension persists it in workspaceState) so tests can load it.

export const HistoryLimit = 20;

/** The history after running `query`: it moves to the front (once, compared without case or extra spaces). */
export function remember(history: readonly string[], query: string, limit = HistoryLimit): string[] {
  const clean = query.trim().replace(/\s+/g, ' ');
  if (!clean) {
    return [...history];
  }
  const key = clean.toLowerCase();
  return [clean, ...history.filter((q) => q.trim().replace(/\s+/g, ' ').toLowerCase() !== key)].slice(0, limit);
}

/** Stored values that are not a list of strings read as an empty history (a corrupt or foreign state). */
export function readHistory(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((q): q is string => typeof q === 'string' && q.trim().length > 0).slice(0, HistoryLimit) : [];
}
