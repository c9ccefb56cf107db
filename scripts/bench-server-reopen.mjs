// What an editor meets when it reopens a workspace whose index is up to date: the real language server over stdio,
// started the way the VS Code client starts it, timed from spawn to `initialize` answered, to every folder `ready`
// with nothing queued, and to the first search (then five more: laterSearchMs, their median; searchInServer: the
// part the server reports for encoding and candidates, of the first and of the later ones). The first run indexes
// the folder (cold); the next --runs reopen it.
// Each session also carries the server's own line on where its start went (serverSaid: runtime start, initialize,
// model, index open, change check).
// Prints JSON. Usage (after `dotnet build SemanticSearch.sln -c Release`):
//   node scripts/bench-server-reopen.mjs <folder> [--runs 5] [--model DIR] [--server DLL] [--cache DIR]
// The index goes to a temporary cache folder (XDG_CACHE_HOME), never into the folder; the default model is used
// unless --model is given. --server runs another build of the server (a publish folder's SemanticSearch.Server.dll,
// e.g. the ReadyToRun one the .vsix bundles); --cache keeps the index in DIR, so that builds are compared on the
// same index without indexing again (the first session then reopens it too). Each session also reports the server's resident memory once it is idle after its first
// search (idleMemoryMB, from /proc on Linux): for the cold session, what the server keeps after its first pass.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repo, 'client-vscode', 'package.json'));
const rpc = require('vscode-jsonrpc/node');

const args = process.argv.slice(2);
const folder = args[0] && !args[0].startsWith('--') ? path.resolve(args[0]) : undefined;
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
if (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
  console.error('usage: node scripts/bench-server-reopen.mjs <folder> [--runs 5] [--model DIR]');
  process.exit(2);
}
const runs = Number(option('--runs', '5'));
const model = option('--model', undefined);
const serverDll = path.resolve(option('--server', path.join(repo, 'server/SemanticSearch.Server/bin/Release/net10.0/SemanticSearch.Server.dll')));
if (!fs.existsSync(serverDll)) {
  console.error(`no server at ${serverDll}: run dotnet build SemanticSearch.sln -c Release first`);
  process.exit(2);
}
const keptCache = option('--cache', undefined);
const cache = keptCache ? path.resolve(keptCache) : fs.mkdtempSync(path.join(os.tmpdir(), 'semsearch-reopen-'));
fs.mkdirSync(cache, { recursive: true });

/** The searches of every session: the first is the first query after open, then all of them again (laterSearchMs: their median). */
const LaterQueries = ['open the index and read its header', 'parse command line arguments', 'retry a failed request with a delay',
  'read a file line by line', 'format a date as text'];

async function session() {
  const started = performance.now();
  const child = spawn('dotnet', [serverDll], { env: { ...process.env, XDG_CACHE_HOME: cache, DOTNET_CLI_TELEMETRY_OPTOUT: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  // The server's own account of where its start went (its "ready … after the process started" log line).
  let serverSaid;
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-20_000);
    serverSaid ??= /ready [\d,]+ ms after the process started \(.*\)/.exec(stderr)?.[0];
  });
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  connection.onRequest(() => null); // window/workDoneProgress/create, client/registerCapability
  connection.onNotification(() => undefined);
  connection.listen();
  const options = { executionProvider: 'cpu', fileWatcher: 'off', ...(model ? { modelPath: model } : {}) };
  await connection.sendRequest('initialize', {
    processId: process.pid, rootUri: null, capabilities: { window: { workDoneProgress: false } },
    workspaceFolders: [{ uri: pathToFileURL(folder).href, name: path.basename(folder) }], initializationOptions: options,
  });
  const initialized = performance.now() - started;
  await connection.sendNotification('initialized', {});
  const states = new Set();
  let status;
  for (;;) {
    status = await connection.sendRequest('semanticSearch/status', {});
    const folders = status.folders ?? [];
    folders.forEach((f) => states.add(f.state));
    if (folders.length === 1 && folders[0].state === 'ready' && folders[0].queued === 0 && status.queuedJobs === 0) {
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const ready = performance.now() - started;
  // Each search's round trip, and the part the server reports for itself (encoding plus candidates: the rest of a
  // round trip is ranking, reading and explaining the results, serializing and the pipe).
  const server = [];
  const timedSearch = async (query) => {
    const searchStart = performance.now();
    const answer = await connection.sendRequest('semanticSearch/search', { query, topK: 10 });
    server.push((answer.encodeMs ?? 0) + (answer.searchMs ?? 0));
    return performance.now() - searchStart;
  };
  const median = (values) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  const firstSearch = await timedSearch(LaterQueries[0]);
  // The first query against later ones (#15: within 20%): the same query again, then others.
  const later = [];
  for (const query of LaterQueries) {
    later.push(await timedSearch(query));
  }
  const laterSearchMs = median(later);
  const searchInServer = { firstMs: Math.round(server[0]), laterMs: median(server.slice(1)) };
  await new Promise((r) => setTimeout(r, 3000));
  const idleMemoryMB = residentMemory(child.pid);
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  await new Promise((r) => child.once('exit', r));
  connection.dispose();
  const f = status.folders[0];
  return { initializedMs: Math.round(initialized), readyMs: Math.round(ready), firstSearchMs: Math.round(firstSearch), laterSearchMs, searchInServer,
    statesSeen: [...states],
    files: f.filesIndexed, chunks: f.chunksIndexed, idleMemoryMB, serverSaid };
}

/** VmRSS, RssAnon (the heap, the model: private) and RssFile (mapped index and binaries: shared, reclaimable), in MB; null off Linux. */
function residentMemory(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  };
  return { rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
}

try {
  const cold = await session();
  const reopen = [];
  for (let i = 0; i < runs; i++) {
    reopen.push(await session());
  }
  const sorted = reopen.map((r) => r.readyMs).sort((a, b) => a - b);
  console.log(JSON.stringify({
    folder, server: serverDll, files: cold.files, chunks: cold.chunks, cores: os.cpus().length, cold, reopen,
    reopenReadyMs: { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) },
  }, null, 2));
} finally {
  if (!keptCache) {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}
