// The sidebar's search box: its fields as the user types them, what they mean as the server's search filters,
// and ↑/↓ through the query history. Kept free of `vscode` (the webview and the extension both use the shapes)
// so tests can load it.
import type { SearchFilterParams } from './protocol';

/** What the search box holds: the query and the filter fields, as typed. */
export interface SearchForm {
  query: string;
  /** Language ids, separated by commas or spaces ("csharp, python"). */
  languages: string;
  /** Files to include: globs or folder paths, separated by commas (like VS Code's Search). */
  include: string;
  /** Files to exclude, the same way. */
  exclude: string;
  excludeTests: boolean;
}

export const EmptyForm: SearchForm = { query: '', languages: '', include: '', exclude: '', excludeTests: false };

/** A stored form that is not one (another version, a corrupt state) reads as empty fields, never as an error. */
export function readForm(stored: unknown): SearchForm {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { query: text(s.query), languages: text(s.languages), include: text(s.include), exclude: text(s.exclude), excludeTests: s.excludeTests === true };
}

/** Whether any filter field is set (the box shows the filters open, and says results are filtered). */
export function hasFilters(form: SearchForm): boolean {
  return Boolean(form.languages.trim() || form.include.trim() || form.exclude.trim() || form.excludeTests);
}

const LanguageId = /^[a-z0-9][a-z0-9+#._-]*$/;
const GlobCharacters = /[*?[\]{}]/;

/**
 * One term of an include or exclude field as a glob. A term with glob characters is taken as written; a plain
 * path means that file or folder, as in VS Code's Search: `src/web` is `src/web` and everything under it, and a
 * name without '/' (`tests`) is such a file or folder anywhere.
 */
export function termGlob(term: string): string {
  const t = term.trim().replace(/\\/g, '/');
  if (GlobCharacters.test(t)) {
    return t;
  }
  const path = t.replace(/^\.\//, '').replace(/\/+$/, '');
  const anywhere = !t.startsWith('./') && !path.includes('/');
  const base = anywhere ? `**/${path}` : path;
  return `{${base},${base}/**}`;
}

/** A field's terms: split at commas outside braces, so `src/{a,b}/**` stays one term. */
export function terms(field: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    depth += c === '{' ? 1 : c === '}' && depth > 0 ? -1 : 0;
    if (c === ',' && depth === 0) {
      out.push(field.slice(start, i));
      start = i + 1;
    }
  }
  out.push(field.slice(start));
  return out.map((t) => t.trim()).filter(Boolean);
}

export type FiltersResult = { filters: SearchFilterParams | undefined; error?: undefined } | { filters?: undefined; error: string };

/** The server's filters for a form, or what is wrong with a field (said next to it; nothing is searched then). */
export function filtersOf(form: SearchForm): FiltersResult {
  const filters: SearchFilterParams = {};
  const languages = form.languages.split(/[\s,]+/).map((l) => l.trim().toLowerCase()).filter(Boolean);
  const wrong = languages.find((l) => !LanguageId.test(l));
  if (wrong !== undefined) {
    return { error: `"${wrong}" is not a language id (e.g. csharp, python, typescript).` };
  }
  if (languages.length) {
    filters.language = languages;
  }
  const include = terms(form.include).map(termGlob);
  const exclude = terms(form.exclude).map(termGlob);
  const unbalanced = [...include, ...exclude].find((g) => !balanced(g));
  if (unbalanced !== undefined) {
    return { error: `"${unbalanced}" has an unclosed bracket or brace.` };
  }
  if (include.length) {
    filters.pathGlob = include.length === 1 ? include[0] : `{${include.join(',')}}`;
  }
  if (exclude.length) {
    filters.excludeGlob = exclude;
  }
  if (form.excludeTests) {
    filters.excludeTests = true;
  }
  return { filters: Object.keys(filters).length ? filters : undefined };
}

function balanced(glob: string): boolean {
  let braces = 0;
  let inClass = false;
  for (const c of glob) {
    if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '{') {
      braces++;
    } else if (c === '}' && --braces < 0) {
      return false;
    }
  }
  return !inClass && braces === 0;
}

/**
 * ↑/↓ in the query field, as in VS Code's Search box: ↑ steps to older queries, ↓ back to newer ones and finally
 * to what the user had typed before stepping (kept, never lost). Typing starts over from the newest.
 */
export class HistoryCursor {
  private index = -1;
  private draft = '';

  constructor(private history: readonly string[]) {}

  /** A new history (a query was run): the cursor starts over. */
  reset(history: readonly string[]): void {
    this.history = history;
    this.index = -1;
  }

  /** The older query to show, or undefined at the oldest (the field stays as it is). */
  up(current: string): string | undefined {
    if (this.index === -1) {
      this.draft = current;
    }
    // Skip an entry equal to what is shown (the last query, restored into the field).
    let next = this.index + 1;
    while (next < this.history.length && this.index === -1 && this.history[next] === current) {
      next++;
    }
    if (next >= this.history.length) {
      return undefined;
    }
    this.index = next;
    return this.history[next];
  }

  /** The newer query, the draft after the newest, or undefined when not stepping. */
  down(): string | undefined {
    if (this.index === -1) {
      return undefined;
    }
    this.index--;
    return this.index === -1 ? this.draft : this.history[this.index];
  }

  /** The user typed: stepping starts again from the newest. */
  typed(): void {
    this.index = -1;
  }
}
