// Why search cannot answer, and what the user can do about it: one description per failure state, shown in the
// quick pick, the sidebar (welcome view) and at most one notification. Kept free of `vscode` so tests can load it.
import type { StatusResult } from './protocol';

export type ProblemKind = 'untrusted' | 'noRuntime' | 'noServer' | 'serverStopped' | 'noModel' | 'corruptIndex' | 'folderError';

/** A button: a VS Code command with its arguments, or a link. */
export interface ProblemAction {
  title: string;
  command?: string;
  args?: unknown[];
  url?: string;
}

export interface Problem {
  kind: ProblemKind;
  /** One sentence naming the cause, for a quick pick row, the sidebar and the notification. */
  message: string;
  /** The fix first; "Show Log" last. */
  actions: ProblemAction[];
}

export const DotnetDownload = 'https://dotnet.microsoft.com/download/dotnet/10.0';

const showLog: ProblemAction = { title: 'Show Log', command: 'semanticSearch.showLog' };

/** Opens the Settings editor on one setting; `remote` opens the Remote tab (machine settings of a remote window). */
export function openSetting(setting: string, remote: boolean): ProblemAction {
  return remote
    ? { title: 'Open Remote Settings', command: 'workbench.action.openRemoteSettings', args: [{ query: `semanticSearch.${setting}` }] }
    : { title: 'Open Settings', command: 'workbench.action.openSettings', args: [`semanticSearch.${setting}`] };
}

export const untrusted: Problem = {
  kind: 'untrusted',
  message: 'Semantic Search reads and indexes every file and runs a local model, so it runs only in trusted workspaces.',
  actions: [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
};

/** The runtime that runs the server's .dll is missing: no `dotnet` found (logic/runtime.ts), or the dotnetPath setting is wrong. */
export function noRuntime(dotnet: string, configured: boolean, remote: boolean): Problem {
  return {
    kind: 'noRuntime',
    message: configured
      ? `The .NET runtime set in semanticSearch.dotnetPath (${dotnet}) does not exist. Semantic Search needs .NET 10.`
      : 'The .NET 10 runtime was not found (no "dotnet" on PATH, in DOTNET_ROOT or in the usual install folders). Semantic Search needs it to run its server.',
    actions: [{ title: 'Install .NET', url: DotnetDownload }, openSetting('dotnetPath', remote), showLog],
  };
}

export function noServer(path: string, remote: boolean): Problem {
  return {
    kind: 'noServer',
    message: `The Semantic Search server was not found (${path}).`,
    actions: [openSetting('serverPath', remote), showLog],
  };
}

export function serverStopped(reason: string): Problem {
  return {
    kind: 'serverStopped',
    message: `The Semantic Search server stopped: ${reason}`,
    actions: [{ title: 'Restart Server', command: 'semanticSearch.restartServer' }, showLog],
  };
}

/** The first folder the server could not open or index, as a problem with its fix; undefined when none failed. */
export function folderProblem(status: StatusResult | undefined, remote: boolean): Problem | undefined {
  const failed = status?.folders.find((f) => f.state === 'error' && f.lastError);
  if (!failed?.lastError) {
    return undefined;
  }
  const message = `${failed.name}: ${failed.lastError}`;
  switch (failed.lastErrorKind) {
    case 'model':
      return { kind: 'noModel', message, actions: [openSetting('modelPath', remote), showLog] };
    case 'corruptIndex':
      return { kind: 'corruptIndex', message, actions: [{ title: 'Rebuild Index', command: 'semanticSearch.rebuildIndex' }, showLog] };
  }
  return { kind: 'folderError', message, actions: [showLog] };
}
