// Owns the language client: starts the bundled (or configured) server, restarts it when it dies, forwards settings.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import {
  CloseAction, DidChangeConfigurationNotification, ErrorAction, LanguageClient, LanguageClientOptions,
  RevealOutputChannelOn, ServerOptions, State, TransportKind,
} from 'vscode-languageclient/node';
import { noRuntime, noServer, Problem, serverStopped } from './logic/problems';
import type { StatusResult } from './logic/protocol';
import { RestartPolicy } from './logic/restart';
import { findDotnet } from './logic/runtime';
import { buildServerSettings, ConfigReader, excludesFromGlobs, serverCommand, ServerSettingsPayload } from './logic/settings';
import { StartTimeline } from './logic/startup';

const SECTION = 'semanticSearch';

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly policy = new RestartPolicy();
  private readonly stateEmitter = new vscode.EventEmitter<boolean>();
  /** Fires true when the server is up (after start or an automatic restart), false when it went away. */
  readonly onDidChangeRunning = this.stateEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** The start under way, until it logs when every folder was ready; the first counts from activation. */
  private timeline: StartTimeline | undefined;

  /**
   * @param onProblem told why the server cannot run (undefined once it runs).
   * @param activatedAt when the extension was activated (Date.now()): the first start's ready line counts from it.
   */
  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly onProblem: (problem: Problem | undefined) => void = () => undefined,
    activatedAt: number = Date.now(),
  ) {
    this.timeline = new StartTimeline(activatedAt, 'activation');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => this.configurationChanged(e)),
      // Folder-scoped settings (excludes) depend on which folders are open.
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.pushSettings()),
    );
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Throws an error that tells the user why there is no running server, if there is none. */
  ensureReady(): void {
    void this.ready;
  }

  /** The running client, or an error that tells the user why there is none. */
  private get ready(): LanguageClient {
    if (!vscode.workspace.isTrusted) {
      throw new Error('Semantic Search runs only in trusted workspaces.');
    }
    if (!this.client || this.client.state !== State.Running) {
      throw new Error('The Semantic Search server is not running (see the "Semantic Search" output).');
    }
    return this.client;
  }

  async start(): Promise<void> {
    if (this.client) {
      return;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const bundled = this.context.asAbsolutePath('server/SemanticSearch.Server.dll');
    const configured = cfg.get<string>('serverPath', '');
    const dotnetSetting = cfg.get<string>('dotnetPath', '').trim();
    const found = dotnetSetting ? undefined : findDotnet({ env: process.env, platform: process.platform, home: os.homedir(), exists: (f) => fs.existsSync(f) });
    const cmd = serverCommand(configured, bundled, dotnetSetting || found || '');
    const target = cmd.args[0] ?? cmd.command;
    const remote = vscode.env.remoteName !== undefined;
    if (!fs.existsSync(target)) {
      this.log.error(`No server at ${target}; set semanticSearch.serverPath.`);
      this.onProblem(noServer(target, remote));
      return;
    }
    // A .dll runs under dotnet: without it the spawn fails with a bare ENOENT, so say what is missing instead.
    if (cmd.args.length > 0 && !runtimeExists(cmd.command)) {
      this.log.error(`No .NET runtime at '${cmd.command}'.`);
      this.onProblem(noRuntime(cmd.command, cfg.get<string>('dotnetPath', '').trim() !== '', remote));
      return;
    }
    this.log.info(`Starting ${cmd.command} ${cmd.args.join(' ')}`);
    const exec = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio, options: { env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } } };
    const serverOptions: ServerOptions = { run: exec, debug: exec };
    const clientOptions: LanguageClientOptions = {
      // Every file on disk: the server only listens to didSave (reindex that file), not to open/change.
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.log,
      traceOutputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // The server writes each log line to stderr and sends it as window/logMessage too: keep the stderr copy at
      // trace level, and anything else on stderr (a runtime failure, a crash) as an error.
      stdioOptions: {
        stdout: (input, out) => lines(input, (line) => out.info(line)),
        stderr: (input, out) => lines(input, (line) => line.startsWith('[semantic-search] ') ? out.trace(line) : out.error(line)),
      },
      initializationOptions: { [SECTION]: this.settings() },
      // File watching: the server registers workspace/didChangeWatchedFiles dynamically (the client supports
      // dynamic registration), so no static watcher here; that would send every event twice.
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
        closed: () => {
          this.stateEmitter.fire(false);
          if (this.policy.shouldRestart(Date.now())) {
            this.log.warn('The server exited; restarting it.');
            this.timeline = new StartTimeline(Date.now(), 'the restart');
            this.timeline.spawned(Date.now());
            return { action: CloseAction.Restart, handled: true };
          }
          this.log.error('The server exited 5 times in 3 minutes; not restarting. Fix the cause (see above) and run "Semantic Search: Restart Server".');
          this.onProblem(serverStopped('it exited 5 times in 3 minutes (see the log).'));
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new LanguageClient('semanticSearch', 'Semantic Search', serverOptions, clientOptions);
    // One status entry: ours shows indexing (with pause, resume and cancel). Without this the language client
    // would show the server's work-done progress as a second entry for the same indexing.
    client.registerFeature({
      fillClientCapabilities: (capabilities) => {
        capabilities.window = { ...capabilities.window, workDoneProgress: false };
      },
      initialize: () => undefined,
      getState: () => ({ kind: 'static' }),
      clear: () => undefined,
    });
    this.client = client;
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.timeline?.initialized(Date.now());
        this.onProblem(undefined);
        this.stateEmitter.fire(true);
      }
    });
    this.timeline?.spawned(Date.now());
    try {
      await client.start();
      this.log.info(`Server running (${target}).`);
    } catch (err) {
      this.log.error(`The server did not start: ${errorText(err)}`);
      this.onProblem(serverStopped(`it did not start (${errorText(err)}).`));
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(20_000);
      } catch (err) {
        this.log.warn(`Stopping the server: ${errorText(err)}`);
      }
      this.stateEmitter.fire(false);
    }
  }

  async restart(): Promise<void> {
    this.policy.reset();
    await this.stop();
    this.timeline = new StartTimeline(Date.now(), 'the restart');
    await this.start();
  }

  /** Each status poll: once every folder is ready after a start, the log says how long that took and where it went. */
  observeStatus(status: StatusResult | undefined): void {
    const line = this.timeline?.observe(status, Date.now());
    if (line) {
      this.timeline = undefined;
      this.log.info(line);
    }
  }

  async request<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    // sendRequest is variadic: an explicit `undefined` token would be sent as a second positional parameter.
    return token ? this.ready.sendRequest<R>(method, params, token) : this.ready.sendRequest<R>(method, params);
  }

  settings(): ServerSettingsPayload {
    const window = vscode.workspace.getConfiguration(SECTION);
    const open = vscode.workspace.workspaceFolders ?? [];
    const folders = open.map((f) => vscode.workspace.getConfiguration(SECTION, f.uri));
    // What VS Code hides from Explorer and Search is not indexed either (union over folders, as for our excludes).
    const scopes = open.length ? open.map((f) => f.uri) : [undefined];
    const editorExcludes = excludesFromGlobs(...scopes.flatMap((uri) => [
      vscode.workspace.getConfiguration('files', uri).get<Record<string, unknown>>('exclude'),
      vscode.workspace.getConfiguration('search', uri).get<Record<string, unknown>>('exclude'),
    ]));
    return buildServerSettings(reader(window), folders.map(reader), editorExcludes);
  }

  private configurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('search.exclude')) {
      this.pushSettings();
      return;
    }
    if (!e.affectsConfiguration(SECTION)) {
      return;
    }
    if (e.affectsConfiguration(`${SECTION}.serverPath`) || e.affectsConfiguration(`${SECTION}.dotnetPath`)) {
      if (vscode.workspace.isTrusted) {
        void this.restart();
      }
      return;
    }
    this.pushSettings();
  }

  /** The server reopens folders itself when model, provider, index or scan settings change. */
  private pushSettings(): void {
    if (this.client?.state === State.Running) {
      void this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: this.settings() } });
    }
  }

  dispose(): void {
    void this.stop();
    this.disposables.forEach((d) => d.dispose());
    this.stateEmitter.dispose();
  }
}

/** Whether `command` (a path, or a name looked up on PATH as the spawn would) names an existing file. */
function runtimeExists(command: string): boolean {
  if (path.isAbsolute(command) || command.includes('/') || command.includes('\\')) {
    return fs.existsSync(command);
  }
  const names = process.platform === 'win32' ? [command, `${command}.exe`, `${command}.cmd`] : [command];
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => names.some((name) => fs.existsSync(path.join(dir, name))));
}

function lines(input: NodeJS.ReadableStream, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false }).on('line', each);
}

function reader(cfg: vscode.WorkspaceConfiguration): ConfigReader {
  return { get: <T>(key: string, fallback: T) => cfg.get<T>(key, fallback) };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
