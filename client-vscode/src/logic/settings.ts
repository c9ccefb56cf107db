// Settings → the server's initializationOptions / didChangeConfiguration payload (ServerSettings.cs field names),
// and where the server binary is.

export interface ConfigReader {
  get<T>(key: string, fallback: T): T;
}

/** What `WorkspaceConfiguration.inspect` tells about one key (the scopes a user can set it in). */
export interface ConfigInspector {
  inspect<T>(key: string): { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined;
  get<T>(key: string): T | undefined;
}

/**
 * A renamed setting (`topK` → `maxResults`, `searchDebounceMs` → `typingDelay`): the new name wherever the user
 * set it, else what they set under the old name, else the default.
 */
export function renamedSetting<T>(cfg: ConfigInspector, name: string, legacy: string, fallback: T): T {
  const seen = cfg.inspect<T>(name);
  return seen?.workspaceFolderValue ?? seen?.workspaceValue ?? seen?.globalValue ?? cfg.get<T>(legacy) ?? fallback;
}

/** Results per search (semanticSearch.maxResults). */
export const maxResults = (cfg: ConfigInspector): number => renamedSetting(cfg, 'maxResults', 'topK', 20);

/** Typing quiet time before a search, ms (semanticSearch.typingDelay). */
export const typingDelay = (cfg: ConfigInspector): number => renamedSetting(cfg, 'typingDelay', 'searchDebounceMs', 250);

export interface ServerSettingsPayload {
  modelPath: string;
  executionProvider: string;
  excludes: string[];
  /** Absent: the server's default (1,000,000 bytes). */
  maxFileSize?: string;
  useGitIgnore: boolean;
  indexLocation: string;
  /** Record opened results in feedback.jsonl beside the index (never sent anywhere). */
  feedbackLog: boolean;
  threads: number;
}

/**
 * `machine` settings come from the window; `resource` settings (excludes, size, gitignore) per folder. The
 * server applies one scan setting to all folders, so excludes are the union over folders, gitignore is honoured
 * if any folder wants it, and the largest size limit wins (a file is skipped only if every folder skips it).
 */
export function buildServerSettings(window: ConfigReader, folders: ConfigReader[], editorExcludes: string[] = []): ServerSettingsPayload {
  const scoped = folders.length ? folders : [window];
  const excludes = new Set<string>(editorExcludes);
  let useGitIgnore = false;
  let maxBytes = 0;
  let maxFileSize: string | undefined;
  for (const f of scoped) {
    for (const e of f.get<string[]>('excludes', [])) {
      if (typeof e === 'string' && e.trim()) {
        excludes.add(e.trim());
      }
    }
    useGitIgnore ||= f.get<boolean>('useGitIgnore', true);
    const size = String(f.get<string | number>('maxFileSize', '') ?? '');
    const bytes = size.trim() ? parseSize(size) : undefined;
    if (bytes !== undefined && bytes > maxBytes) {
      maxBytes = bytes;
      maxFileSize = size.trim();
    }
  }
  const provider = window.get<string>('executionProvider', 'auto');
  return {
    modelPath: window.get<string>('modelPath', '').trim(),
    executionProvider: ['auto', 'cpu', 'cuda', 'directml'].includes(provider) ? provider : 'auto',
    excludes: [...excludes],
    ...(maxFileSize ? { maxFileSize } : {}),
    useGitIgnore,
    indexLocation: window.get<string>('indexLocation', 'cache').trim() || 'cache',
    feedbackLog: window.get<boolean>('feedbackLog', true) !== false,
    threads: Math.max(0, Math.floor(window.get<number>('threads', 0) || 0)),
  };
}

/**
 * VS Code's `files.exclude` and `search.exclude` (glob → true, or a `when` clause) as the server's gitignore-style
 * excludes, so what VS Code hides from Explorer and Search is not indexed either. Only plain `true` entries count
 * (a `when` clause depends on sibling files the server does not check); `{a,b}` alternatives are expanded; a glob
 * that does not start with `**` matches from the folder root in VS Code, so it is anchored with `/`.
 */
export function excludesFromGlobs(...maps: (Record<string, unknown> | undefined)[]): string[] {
  const result = new Set<string>();
  for (const map of maps) {
    for (const [glob, on] of Object.entries(map ?? {})) {
      if (on !== true) {
        continue;
      }
      for (const one of expandBraces(glob.trim().replace(/^\.\//, ''))) {
        if (!one) {
          continue;
        }
        const dir = one.endsWith('/**') ? `${one.slice(0, -3)}/` : one;
        result.add(dir.startsWith('**') || dir.startsWith('/') ? dir : `/${dir}`);
      }
    }
  }
  return [...result];
}

/** `a/{b,c}/d` → `a/b/d`, `a/c/d` (one level of alternatives; VS Code's globs do not nest them in practice). */
function expandBraces(glob: string): string[] {
  const m = /\{([^{}]*)\}/.exec(glob);
  if (!m) {
    return [glob];
  }
  return m[1].split(',').flatMap((alt) => expandBraces(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length)));
}

/**
 * Bytes in "500k", "2m", "1g" or "123" (decimal units, the server's ByteSize rule; both are checked against
 * tests/fixtures/contract/byte-sizes.json); undefined when unreadable.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([kmg]?)b?\s*$/i.exec(text);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const bytes = unit === 'k' ? n * 1e3 : unit === 'm' ? n * 1e6 : unit === 'g' ? n * 1e9 : n;
  return bytes > 0 ? bytes : undefined;
}

export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * How to start the server: a `.dll` runs under `dotnet` (framework-dependent build), anything else is executed
 * directly (an apphost or a self-contained build). `configured` is the semanticSearch.serverPath setting.
 */
export function serverCommand(configured: string, bundledDll: string, dotnet: string): ServerCommand {
  const path = configured.trim() || bundledDll;
  if (/\.dll$/i.test(path)) {
    return { command: dotnet.trim() || 'dotnet', args: [path] };
  }
  return { command: path, args: [] };
}
