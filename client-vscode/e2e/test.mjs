// Drives code-server (started by run.sh) with playwright-core and Debian's chromium through the user's path.
// SEMSEARCH_E2E_SCENARIO=full (default, the tiny test model): palette → "Semantic Search" → type a query → result in
// the quick pick and the sidebar → open it → editor at the right file and line → edit and save a file → the new
// code is found, and more. SEMSEARCH_E2E_SCENARIO=default-model (no modelPath setting at all): the packaged
// extension indexes with the model it ships, finds the right function, and its status names that model.
// SEMSEARCH_E2E_SCENARIO=untrusted: Restricted Mode (no server, no commands, the reason and Manage Workspace Trust),
// then trusting the folder starts indexing. SEMSEARCH_E2E_SCENARIO=broken: the failure states and their fixes.
// SEMSEARCH_E2E_SCENARIO=reopen: a larger workspace (real Python source) indexed with the shipped model, then the
// window reloaded: where the time to an up-to-date index goes, and that it is within the target after activation.
// Prints one line per check and a summary.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const url = need('SEMSEARCH_E2E_URL');
const workspace = need('SEMSEARCH_E2E_WORKSPACE');
const artifacts = need('SEMSEARCH_E2E_ARTIFACTS');
const profile = need('SEMSEARCH_E2E_PROFILE');
const extensionsDir = need('SEMSEARCH_E2E_EXTENSIONS');
const scenario = process.env.SEMSEARCH_E2E_SCENARIO || 'full';
const multiRootFile = scenario === 'full' ? need('SEMSEARCH_E2E_MULTIROOT') : undefined;
const defaultModelName = scenario === 'default-model' ? need('SEMSEARCH_E2E_DEFAULT_MODEL_NAME') : undefined;
const QUERY = 'validate an email address';
const EXPECTED_SYMBOL = 'IsValidEmail';
const EXPECTED_PATH = 'src/Mail/EmailValidator.cs';
// The docs of the sample repository, and a query only they answer (the full scenario's search.exclude hides docs/).
const DOCS_PATH = 'docs/README.md';
const DOCS_QUERY = 'install the .NET SDK and Node.js, then run the bootstrap script';
const started = Date.now();
let passed = 0;
let failed = 0;

function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set (run e2e/run.sh)`);
  }
  return v;
}

function log(msg) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
}

async function check(name, fn) {
  const t = Date.now();
  try {
    const r = await fn();
    passed++;
    log(`ok   ${name} (${Date.now() - t} ms)${r ? ` — ${r}` : ''}`);
  } catch (err) {
    failed++;
    log(`FAIL ${name}: ${err?.stack ?? err}`);
    throw err;
  }
}

/** Saves a screenshot of a main surface into the artifacts folder (kept with SEMSEARCH_E2E_KEEP=1 or on failure). */
async function surface(name) {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) }).catch(() => {});
}

/** Retries `fn` until it returns a truthy value or `ms` passes. */
async function until(what, ms, fn, pauseMs = 250) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) {
        return v;
      }
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
}

let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1500, height: 950 },
  });
} catch (err) {
  log(`FAIL chromium did not start: ${err?.message ?? err}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
const page = context.pages()[0] ?? await context.newPage();
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') { consoleErrors.push(m.text()); } });

const quickInput = page.locator('.quick-input-widget');
const quickRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
const activityEntry = page.locator('.activitybar [aria-label^="Semantic Search"]').first();
// Our entry reads "31 chunks (cpu)" when ready (the language client's progress entry also mentions chunks).
const statusEntry = page.locator('.statusbar-item', { hasText: /^\s*\d+k? chunks( \(|\s*$)/ }).first();
const cursorStatus = page.locator('[id="status.editor.selection"]');
const activeTab = page.locator('.tabs-container .tab.active');

/** The server processes of this run: their path is inside this run's extensions folder. */
function serverPids() {
  try {
    return execFileSync('pgrep', ['-f', `${extensionsDir}/.*/SemanticSearch\\.Server\\.dll`], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function cursorLine() {
  const text = await cursorStatus.innerText();
  const m = /Ln (\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

async function openPaletteCommand(label) {
  // The palette can open before the extension registered its commands: retry.
  await until(`the "${label}" command in the palette`, 30_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await quickInput.waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.type(label, { delay: 10 });
    const row = quickRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
    await row.waitFor({ state: 'visible', timeout: 3000 });
    await row.click();
    return true;
  }, 500);
}

/** Types a query into the open Semantic Search quick pick and waits for a row matching `expect`. */
async function searchInQuickPick(query, expect, ms) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill('');
  await page.keyboard.type(query, { delay: 15 });
  const row = quickRows.filter({ hasText: expect }).first();
  await row.waitFor({ state: 'visible', timeout: ms });
  return row;
}

/**
 * The first row once the list answers the whole query. For a moment after the last key the list can still show a
 * shorter prefix's answer (each answer shows as it arrives), so the order is judged once the first row names every
 * expected text, or after `ms` as it is then (the caller reports it).
 */
async function firstRowSettled(expected, ms = 5_000) {
  const end = Date.now() + ms;
  for (;;) {
    const first = (await quickRows.first().innerText()).replace(/\s+/g, ' ');
    if (expected.every((text) => first.includes(text)) || Date.now() > end) {
      return first;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function openSampleWorkspace(waitIndexed = true, indexMs = 180_000) {
  await check('workbench loads the sample workspace', async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    return workspace;
  });

  await check('extension activates (activity bar entry)', async () => {
    await activityEntry.waitFor({ state: 'visible', timeout: 60_000 });
  });

  if (!waitIndexed) {
    return;
  }
  await check('the folder is indexed (status bar shows chunks)', async () => {
    await statusEntry.waitFor({ state: 'visible', timeout: indexMs });
    return (await statusEntry.innerText()).trim();
  });
}

/** No .NET runtime, then no model: each cause is named in a notification, the quick pick and the sidebar, with its fix. */
async function brokenScenario() {
  await openSampleWorkspace(false);
  const toasts = page.locator('.notifications-toasts .notification-toast');
  await check('without .NET: one notification names the missing runtime, with Install .NET', async () => {
    const toast = toasts.filter({ hasText: '.NET runtime' }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await toast.locator('.monaco-button', { hasText: 'Install .NET' }).waitFor({ state: 'visible', timeout: 5000 });
    await surface('problem-notification');
    const ours = await toasts.filter({ hasText: 'Semantic Search' }).count();
    if (ours !== 1) {
      throw new Error(`${ours} Semantic Search notifications, expected one`);
    }
    return (await toast.innerText()).replace(/\s+/g, ' ').slice(0, 160);
  });
  await check('without .NET: the quick pick names the cause and offers the fixes', async () => {
    await openPaletteCommand('Semantic Search');
    await quickRows.filter({ hasText: 'semanticSearch.dotnetPath' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await quickRows.filter({ hasText: 'Install .NET' }).first().waitFor({ state: 'visible', timeout: 5000 });
    await surface('problem-quick-pick');
    const rows = (await quickRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await page.keyboard.press('Escape');
    return rows.join(' | ').slice(0, 200);
  });
  await check('without .NET: the sidebar says so, with Install .NET', async () => {
    await activityEntry.click();
    const welcome = page.locator('.welcome-view-content', { hasText: '.NET 10 runtime' });
    await welcome.waitFor({ state: 'visible', timeout: 10_000 });
    await welcome.locator('.monaco-button, a', { hasText: 'Install .NET' }).first().waitFor({ state: 'visible', timeout: 5000 });
    await surface('problem-sidebar');
  });
  await check('with the runtime fixed, the missing model is named, and its fix opens the modelPath setting', async () => {
    // The user removes the wrong dotnetPath: the server starts, and its folder cannot load the model.
    fs.writeFileSync(need('SEMSEARCH_E2E_MACHINE_SETTINGS'), JSON.stringify({ 'semanticSearch.modelPath': '/nonexistent/model' }, null, 2));
    await until('a notification naming the missing model', 90_000, async () => (await toasts.filter({ hasText: 'Model folder not found' }).count()) > 0);
    await openPaletteCommand('Semantic Search');
    await searchInQuickPick(QUERY, 'Model folder not found', 30_000);
    const fix = quickRows.filter({ hasText: /Open (Remote )?Settings/ }).first();
    await fix.waitFor({ state: 'visible', timeout: 5000 });
    const label = (await fix.innerText()).trim();
    await fix.click();
    const editor = page.locator('.settings-editor');
    await editor.waitFor({ state: 'visible', timeout: 15_000 });
    await until('the Model Path setting in the settings editor', 10_000, async () => (await editor.innerText()).includes('Model Path'));
    await surface('problem-fix-settings');
    return `${label} → settings editor on Model Path`;
  });
}

/** Out of the box: no modelPath anywhere, so the server must use the default model inside the .vsix. */
async function defaultModelScenario() {
  await openSampleWorkspace();
  await check('with no dotnet on PATH, the runtime is found where its installer put it', async () => {
    const dotnet = need('SEMSEARCH_E2E_DOTNET');
    const logs = need('SEMSEARCH_E2E_LOGS');
    const files = fs.readdirSync(logs, { recursive: true }).map(String).filter((f) => f.endsWith('Semantic Search.log'));
    const line = files.flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n')).find((l) => l.includes(`Starting ${dotnet} `));
    if (!line) {
      throw new Error(`no "Starting ${dotnet} …" in the extension's log (${files.join(', ') || 'no log file'})`);
    }
    return line.replace(/^.*Starting /, 'Starting ').slice(0, 120);
  });
  const query = 'check whether an email address is well formed';
  await check(`with no model setting, "${query}" finds ${EXPECTED_SYMBOL} first`, async () => {
    await openPaletteCommand('Semantic Search');
    await until('the Semantic Search quick pick', 10_000, async () => (await page.locator('.quick-input-widget .quick-input-title').innerText()).includes('Semantic Search'));
    await searchInQuickPick(query, EXPECTED_SYMBOL, 30_000);
    const first = await firstRowSettled([EXPECTED_SYMBOL, EXPECTED_PATH]);
    if (!first.includes(EXPECTED_SYMBOL) || !first.includes(EXPECTED_PATH)) {
      throw new Error(`expected ${EXPECTED_SYMBOL} in ${EXPECTED_PATH} first, got: ${first}`);
    }
    await page.keyboard.press('Escape');
    return first;
  });
  await check(`"Show Index Status" names the shipped model (${defaultModelName})`, async () => {
    await openPaletteCommand('Semantic Search: Show Index Status');
    // The report goes to the extension's output channel, which the command reveals in the panel.
    const panel = page.locator('.part.panel');
    const line = await until(`"model: ${defaultModelName}" in the output panel`, 20_000, async () => {
      const text = (await panel.innerText()).replace(/\u00a0/g, ' ');
      return text.split('\n').find((l) => l.includes(`model: ${defaultModelName},`));
    });
    return line.trim();
  });
  await check('without search.exclude, the docs are searchable (the control for the full scenario\'s exclude)', async () => {
    await openPaletteCommand('Semantic Search');
    await searchInQuickPick(DOCS_QUERY, DOCS_PATH, 30_000);
    await page.keyboard.press('Escape');
    return DOCS_PATH;
  });
  await check('the index stays out of the workspace and out of Source Control', async () => {
    if (fs.existsSync(path.join(workspace, '.semantic-search'))) {
      throw new Error('a .semantic-search folder appeared in the workspace');
    }
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: workspace, encoding: 'utf8' });
    if (status.trim()) {
      throw new Error(`git status is not clean:\n${status}`);
    }
    const cache = path.join(need('XDG_CACHE_HOME'), 'semantic-search');
    const index = fs.existsSync(cache) ? fs.readdirSync(cache).find((d) => fs.existsSync(path.join(cache, d, 'index.db'))) : undefined;
    if (!index) {
      throw new Error(`no index under ${cache}`);
    }
    return `git status clean; index in $XDG_CACHE_HOME/semantic-search/${index}/`;
  });
}

/** Restricted Mode: nothing runs, every surface says why and offers Manage Workspace Trust; trusting starts it. */
async function untrustedScenario() {
  await check('workbench opens the folder in Restricted Mode', async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust/ });
    await no.waitFor({ state: 'visible', timeout: 30_000 });
    await surface('untrusted-prompt');
    await no.click();
    await activityEntry.waitFor({ state: 'visible', timeout: 60_000 });
  });
  await check('untrusted: no server runs, the status entry says why, and no Semantic Search command is in the palette', async () => {
    await page.locator('.statusbar-item', { hasText: 'Semantic Search' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(2000);
    if (serverPids().length) {
      throw new Error('a server process runs in an untrusted workspace');
    }
    await page.keyboard.press('F1');
    await quickInput.waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.type('Semantic Search', { delay: 10 });
    await page.waitForTimeout(1000);
    const ours = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'))
      .contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title));
    const labels = (await quickRows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
    await page.keyboard.press('Escape');
    // The log is the one command that works without the server (it shows why nothing runs).
    const shown = labels.filter((l) => ours.includes(l) && l !== 'Semantic Search: Show Server Log');
    if (shown.length) {
      throw new Error(`commands offered in Restricted Mode: ${shown.join(', ')}`);
    }
    return `palette rows for "Semantic Search": ${labels.join(', ') || 'none'}`;
  });
  await check('untrusted: the sidebar explains, and Manage Workspace Trust → Trust starts indexing', async () => {
    await activityEntry.click();
    const welcome = page.locator('.welcome-view-content', { hasText: 'trusted workspaces' });
    await welcome.waitFor({ state: 'visible', timeout: 10_000 });
    await surface('untrusted-sidebar');
    await welcome.locator('.monaco-button, a', { hasText: 'Manage Workspace Trust' }).first().click();
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 15_000 });
    await trust.click();
    await statusEntry.waitFor({ state: 'visible', timeout: 120_000 });
    return (await statusEntry.innerText()).trim();
  });
  await check('trusted: Semantic Search finds the result', async () => {
    await openPaletteCommand('Semantic Search');
    const row = await searchInQuickPick(QUERY, EXPECTED_SYMBOL, 30_000);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    await page.keyboard.press('Escape');
    return text;
  });
}

/**
 * The extension's log lines (its output channel's files, every window session's), each with its time (ms since the
 * epoch; the log writes local time to the millisecond).
 */
function extensionLog() {
  const logs = need('SEMSEARCH_E2E_LOGS');
  const files = fs.readdirSync(logs, { recursive: true }).map(String).filter((f) => f.endsWith('Semantic Search.log'));
  return files.flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n')).flatMap((line) => {
    const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3}) \[\w+\] (.*)$/.exec(line);
    return m ? [{ at: new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime(), text: m[8] }] : [];
  }).sort((a, b) => a.at - b.at);
}

/**
 * An up-to-date index is ready soon after the window reloads: a workspace of real source (run.sh copies Python's
 * standard library; near Polly's size with SEMSEARCH_E2E_REOPEN_FILES=420) is indexed once with the shipped model, then
 * the window is reloaded three times. Each reload prints where its time went, from the browser (reload → workbench
 * → the status entry ready), the extension (activation → server spawned → initialize answered → index open →
 * ready: its "Ready N ms after activation" line) and the server (runtime start, model, index open, change check: its
 * "ready … after the process started" line); the median of activation → ready must be within
 * SEMSEARCH_E2E_READY_LIMIT_MS (the 2 s target with room for a loaded machine).
 */
async function reopenScenario() {
  const target = 2000;
  const limit = Number(process.env.SEMSEARCH_E2E_READY_LIMIT_MS || 5000);
  const coldStart = Date.now();
  await openSampleWorkspace(true, 20 * 60_000);
  const ready = page.locator('.statusbar-item', { hasText: /\d+k? chunks \(/ }).first();
  await check('the first index of the workspace is built', async () => {
    await ready.waitFor({ state: 'visible', timeout: 60_000 });
    return `${(await ready.innerText()).trim()}, ${((Date.now() - coldStart) / 1000).toFixed(0)} s from opening the window`;
  });
  const readyLine = /Ready (\d+) ms after activation \(server spawned at (\d+) ms, initialize answered at (\d+) ms, index open at (\d+) ms, ready at \d+ ms; (.*)\)$/;
  const serverLine = /: ready ([\d,]+) ms after the process started \((.*)\)\.$/;
  const afterActivation = [];
  for (let i = 1; i <= 3; i++) {
    await check(`reload ${i}: the up-to-date index is ready, never shown as indexing`, async () => {
      const { t0, workbench, shown, said } = await reloadUntilReady(ready);
      // The extension logs its line at the poll that saw every folder ready, the server its line a moment before.
      const line = await until('the extension\'s "Ready N ms after activation" line of this reload', 10_000, async () =>
        extensionLog().find((l) => l.at >= t0 && readyLine.test(l.text)));
      const [, total, spawn, initialize, open, what] = readyLine.exec(line.text).map((v, k) => (k > 0 && k < 5 ? Number(v) : v));
      const activation = line.at - total - t0;
      const server = extensionLog().find((l) => l.at >= t0 && serverLine.test(l.text));
      const serverSaid = server ? serverLine.exec(server.text) : undefined;
      afterActivation.push(total);
      const breakdown = `reload → workbench ${workbench} ms → activation at ${activation} ms → server spawned +${spawn} → ` +
        `initialize answered +${initialize} → index open +${open} → ready +${total} ms after activation (${what}); ` +
        `status entry ready ${shown} ms after the reload; server: ${serverSaid ? `ready ${serverSaid[1]} ms after its start (${serverSaid[2]})` : 'no line'}; ` +
        `status texts: ${said}`;
      log(`     ${breakdown}`);
      return `ready ${total} ms after activation`;
    });
  }
  await check(`reopen: ready within ${limit} ms of activation (target ${target} ms; the median of three reloads)`, async () => {
    const sorted = [...afterActivation].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const verdict = `median ${median} ms (${afterActivation.join(', ')} ms), target ${target} ms ${median <= target ? 'met' : 'missed'}`;
    if (median > limit) {
      throw new Error(`${verdict}; over the limit of ${limit} ms`);
    }
    return verdict;
  });
}

/**
 * Reloads the window and waits until `ready` (a status bar locator) shows, recording every status text on the way:
 * an up-to-date index must never read "Indexing" on reopen. Times are ms after the reload.
 */
async function reloadUntilReady(ready) {
  const t0 = Date.now();
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  const workbench = Date.now() - t0;
  const seen = new Set();
  await until('the status entry ready again', 60_000, async () => {
    for (const text of await page.locator('.statusbar-item').allInnerTexts()) {
      if (/Indexing|chunks|Opening index/.test(text)) {
        seen.add(text.trim());
      }
    }
    return ready.isVisible();
  }, 50);
  const shown = Date.now() - t0;
  const said = [...seen].join(' → ');
  if (said.includes('Indexing')) {
    throw new Error(`an up-to-date index was shown as indexing on reopen: ${said}`);
  }
  return { t0, workbench, shown, said };
}

async function fullScenario() {
  await openSampleWorkspace();

  await check('our keybindings take no key of the workbench\'s default keybindings', async () => {
    const dumped = need('SEMSEARCH_E2E_DEFAULT_KEYBINDINGS');
    const text = await until('the default keybindings written by the extension', 20_000, async () => fs.existsSync(dumped) && fs.readFileSync(dumped, 'utf8'));
    // The file is JSON with // comments (never inside strings there).
    const defaults = JSON.parse(text.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n'));
    const norm = (key) => key.toLowerCase().split(' ').filter(Boolean)
      .map((part) => part.split('+').sort((a, b) => ['ctrl', 'shift', 'alt', 'meta'].indexOf(a) - ['ctrl', 'shift', 'alt', 'meta'].indexOf(b)).join('+')).join(' ');
    const taken = new Map();
    // The file lists the keybindings extensions contribute too: ours are what is being checked.
    for (const d of defaults) {
      if (d.key && !String(d.command).replace(/^-/, '').startsWith('semanticSearch.')) {
        const k = norm(d.key);
        taken.set(k, [...(taken.get(k) ?? []), d.command]);
        // A chord's first press is taken too: binding it alone would break the chord.
        taken.set(k.split(' ')[0] + ' …', [...(taken.get(k.split(' ')[0] + ' …') ?? []), d.command]);
      }
    }
    const ours = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'))
      .contributes.keybindings;
    const clashes = ours.flatMap((b) => {
      const k = norm(b.key);
      return [...(taken.get(k) ?? []), ...(taken.get(k + ' …') ?? [])].map((c) => `${b.key} (${b.command}) is ${c}'s`);
    });
    if (clashes.length) {
      throw new Error(clashes.join('; '));
    }
    return `${ours.map((b) => b.key).join(', ')} free among ${defaults.length} defaults`;
  });

  await check('what search.exclude hides (docs/) is not indexed', async () => {
    await openPaletteCommand('Semantic Search');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('');
    await page.keyboard.type(DOCS_QUERY, { delay: 10 });
    // Results for this very query (the title or a row names it), none of them in docs/.
    await until('results for the docs query', 30_000, async () => (await quickRows.count()) > 0 && (await input.inputValue()) === DOCS_QUERY);
    await page.waitForTimeout(1500);
    const rows = (await quickRows.allInnerTexts()).join(' | ');
    await page.keyboard.press('Escape');
    if (rows.includes(DOCS_PATH)) {
      throw new Error(`docs/ is hidden by search.exclude but was found: ${rows.slice(0, 300)}`);
    }
    return 'no docs/ result';
  });

  let expectedLine;
  await check(`"Semantic Search" from the palette finds ${EXPECTED_SYMBOL} for "${QUERY}"`, async () => {
    await openPaletteCommand('Semantic Search');
    await until('the Semantic Search quick pick', 10_000, async () => (await page.locator('.quick-input-widget .quick-input-title').innerText()).includes('Semantic Search'));
    const row = await searchInQuickPick(QUERY, EXPECTED_SYMBOL, 30_000);
    const first = await firstRowSettled([EXPECTED_SYMBOL]);
    if (!first.includes(EXPECTED_SYMBOL)) {
      throw new Error(`expected ${EXPECTED_SYMBOL} first, got: ${first}`);
    }
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    const m = new RegExp(`${EXPECTED_PATH.replace(/[.]/g, '\\.')}:(\\d+)`).exec(text);
    if (!m) {
      throw new Error(`the row does not show ${EXPECTED_PATH}:<line>: ${text}`);
    }
    expectedLine = Number(m[1]);
    await surface('quick-pick-results');
    // The line must be the method's own (its doc comment or signature) in the fixture.
    const lines = fs.readFileSync(path.join(workspace, EXPECTED_PATH), 'utf8').split(/\r?\n/);
    const signature = lines.findIndex((l) => l.includes(`bool ${EXPECTED_SYMBOL}(`)) + 1;
    if (!(expectedLine <= signature && signature - expectedLine <= 6)) {
      throw new Error(`reported line ${expectedLine} is not at ${EXPECTED_SYMBOL} (signature on line ${signature})`);
    }
    return text;
  });

  await check('accepting the quick pick item opens the file at the line', async () => {
    await page.keyboard.press('Enter');
    await until(`the editor on ${path.basename(EXPECTED_PATH)}`, 15_000, async () => (await activeTab.innerText()).includes(path.basename(EXPECTED_PATH)));
    await until(`the cursor on line ${expectedLine}`, 10_000, async () => (await cursorLine()) === expectedLine);
    // Only the name is selected (one keystroke must not replace the method): "(12 selected)" for IsValidEmail.
    const selection = await until(`${EXPECTED_SYMBOL.length} characters selected`, 5000, async () => {
      const text = await cursorStatus.innerText();
      return text.includes(`(${EXPECTED_SYMBOL.length} selected)`) ? text : undefined;
    });
    await surface('opened-result');
    return `${path.basename(EXPECTED_PATH)}, ${selection.replace(/\s+/g, ' ')}`;
  });

  await check('the sidebar lists the result under its file (with the theme\'s file icon, not a folder\'s)', async () => {
    await activityEntry.click();
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Results/i }) });
    await view.locator('.monaco-list-row', { hasText: path.basename(EXPECTED_PATH) }).first().waitFor({ state: 'visible', timeout: 15_000 });
    const fileLabel = view.locator('.monaco-list-row[aria-level="1"] .monaco-icon-label').first();
    const classes = await fileLabel.getAttribute('class');
    if (!classes.includes('file-icon') || classes.includes('folder-icon')) {
      throw new Error(`the file row is drawn as: ${classes}`);
    }
    await view.locator('.monaco-list-row', { hasText: EXPECTED_SYMBOL }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await surface('sidebar-results');
  });

  await check('clicking the sidebar row moves the editor to the result', async () => {
    // Move away first so the click has something to prove.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await until('the cursor to leave the result', 5000, async () => (await cursorLine()) !== expectedLine);
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Results/i }) });
    await view.locator('.monaco-list-row', { hasText: EXPECTED_SYMBOL }).first().click();
    await until(`the cursor back on line ${expectedLine}`, 10_000, async () => (await cursorLine()) === expectedLine);
    return `Ln ${expectedLine}`;
  });

  await check('Next Result moves on, Previous Result comes back to the same place', async () => {
    const where = async () => `${(await activeTab.innerText()).trim()}:${await cursorLine()}`;
    const start = await where();
    await openPaletteCommand('Semantic Search: Next Result');
    const next = await until('the cursor to move to the next result', 10_000, async () => { const w = await where(); return w !== start ? w : undefined; });
    await openPaletteCommand('Semantic Search: Previous Result');
    await until(`the cursor back at ${start}`, 10_000, async () => (await where()) === start);
    return `${start} → ${next} → ${start}`;
  });

  await check('Next Result three times from the editor, then Previous Result three times back (keyboard)', async () => {
    const where = async () => `${(await activeTab.innerText()).trim()}:${await cursorLine()}`;
    // Focus is in the editor, on the current result (Previous Result just put it there).
    const start = await where();
    const seen = [start];
    for (let i = 0; i < 3; i++) {
      const before = seen.at(-1);
      await page.keyboard.press('Control+Alt+BracketRight');
      seen.push(await until(`Next Result #${i + 1} to move on from ${before}`, 10_000, async () => { const w = await where(); return w !== before ? w : undefined; }));
    }
    for (let i = 0; i < 3; i++) {
      const back = seen[2 - i];
      await page.keyboard.press('Control+Alt+BracketLeft');
      await until(`Previous Result #${i + 1} back to ${back}`, 10_000, async () => (await where()) === back);
    }
    return `${seen.join(' → ')} and back`;
  });

  await check('the search reopens on the last query; moving through results previews, Escape restores the editor', async () => {
    const where = async () => `${(await activeTab.innerText()).trim()}:${await cursorLine()}`;
    // Somewhere else first: the top of the file, so any preview visibly moves the cursor.
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await until('the cursor on line 1', 5000, async () => (await cursorLine()) === 1);
    const start = await where();
    await openPaletteCommand('Semantic Search');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await until(`the box to hold the last query "${QUERY}"`, 10_000, async () => (await input.inputValue()) === QUERY);
    await quickRows.filter({ hasText: EXPECTED_SYMBOL }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // Results arriving preview nothing (VS Code focused the first row, not the user).
    await page.waitForTimeout(1000);
    if ((await where()) !== start) {
      throw new Error(`results arriving moved the editor to ${await where()}`);
    }
    let previewed;
    for (let i = 0; i < 5 && !previewed; i++) {
      await page.keyboard.press('ArrowDown');
      previewed = await until('a preview after ArrowDown', 3000, async () => { const w = await where(); return w !== start ? w : undefined; }).catch(() => undefined);
    }
    if (!previewed) {
      throw new Error('moving through the results never previewed one');
    }
    await page.keyboard.press('Escape');
    await until(`the editor back at ${start}`, 10_000, async () => (await where()) === start);
    return `${start} → preview ${previewed} → Escape → ${start}`;
  });

  await check('Explorer → "Semantic Search in Folder" searches that folder only', async () => {
    await page.keyboard.press('Control+Shift+E');
    const folder = page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*services\s*$/ }).first();
    await folder.waitFor({ state: 'visible', timeout: 10_000 });
    await folder.click({ button: 'right' });
    // VS Code's menus act on the highlighted item: hover it, then Enter (a synthetic click does not reach it).
    await page.locator('.context-view .action-label', { hasText: 'Semantic Search in Folder' }).first().hover();
    await page.keyboard.press('Enter');
    await until('the quick pick titled "Semantic Search in services"', 10_000, async () =>
      (await page.locator('.quick-input-widget .quick-input-title').innerText()).includes('Semantic Search in services'));
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('');
    await page.keyboard.type(QUERY, { delay: 10 });
    await quickRows.filter({ hasText: 'services/' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1000);
    const rows = (await quickRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await page.keyboard.press('Escape');
    const outside = rows.filter((r) => !r.includes('services/'));
    if (outside.length) {
      throw new Error(`results outside services/: ${outside.join(' | ').slice(0, 300)}`);
    }
    return `${rows.length} result(s), all in services/`;
  });

  await check('a killed server is restarted and indexes again', async () => {
    const before = serverPids();
    if (before.length !== 1) {
      throw new Error(`expected one server process, found ${before.length}`);
    }
    process.kill(before[0], 'SIGKILL');
    const after = await until('a new server process', 30_000, async () => {
      const now = serverPids().filter((p) => p !== before[0]);
      return now.length === 1 ? now[0] : undefined;
    });
    await statusEntry.waitFor({ state: 'visible', timeout: 60_000 });
    return `pid ${before[0]} killed, pid ${after} serving (${(await statusEntry.innerText()).trim()})`;
  });

  const NEW_QUERY = 'postage for a parcel by shipping weight';
  const NEW_SYMBOL = 'ParcelPostage';
  await check('an edited and saved file becomes findable', async () => {
    // Open the file through Quick Open, append a class at the end, save.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await quickInput.waitFor({ state: 'visible', timeout: 5000 });
    await page.keyboard.type('InvoiceCalculator.cs', { delay: 10 });
    await quickRows.filter({ hasText: 'InvoiceCalculator.cs' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await until('the editor on InvoiceCalculator.cs', 10_000, async () => (await activeTab.innerText()).includes('InvoiceCalculator.cs'));
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    for (const line of [
      '',
      '/// <summary>Computes the postage of a parcel from its shipping weight.</summary>',
      'public static class PostageTable',
      '{',
      '    public static decimal ParcelPostage(decimal shippingWeight) => shippingWeight * 4.5m;',
      '}',
    ]) {
      await page.keyboard.type(line, { delay: 2 });
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Control+S');
    await until('the save (clean tab)', 10_000, async () => !(await activeTab.getAttribute('class')).includes('dirty'));
    const saved = fs.readFileSync(path.join(workspace, 'src/Billing/InvoiceCalculator.cs'), 'utf8');
    if (!saved.includes('public static decimal ParcelPostage(decimal shippingWeight)')) {
      throw new Error(`the saved file does not hold the typed code:\n${saved.slice(-400)}`);
    }
    // The server reindexes the saved file after a short debounce: search until the new method shows up.
    await openPaletteCommand('Semantic Search');
    const row = await until(`${NEW_SYMBOL} in the results`, 30_000, async () => {
      try {
        return await searchInQuickPick(NEW_QUERY, NEW_SYMBOL, 3000);
      } catch {
        return undefined;
      }
    }, 500);
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    if (!text.includes('src/Billing/InvoiceCalculator.cs:')) {
      throw new Error(`unexpected location: ${text}`);
    }
    await page.keyboard.press('Escape');
    return text;
  });

  // The sidebar's search box is a webview (VS Code nests the page in two iframes).
  const box = page.frameLocator('iframe.webview.ready >> nth=0').frameLocator('iframe#active-frame');
  const resultsPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Results/i }) });
  // File rows are the tree's first level; their label is the file name.
  const resultFiles = async () => (await resultsPane.locator('.monaco-list-row[aria-level="1"] .label-name').allInnerTexts()).map((t) => t.trim());
  const TEST_FILE = 'tests/EmailValidatorTests.cs';
  await check('sidebar search box: results live as you type; exclude tests, files to exclude and languages narrow them', async () => {
    // A test of the validator, so that "Exclude tests" has something to drop (the watcher indexes it).
    fs.mkdirSync(path.join(workspace, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(workspace, TEST_FILE), [
      'namespace Mail.Tests;', '',
      '/// <summary>Tests that validate an email address: a well formed address is accepted.</summary>',
      'public class EmailValidatorTests', '{',
      '    public void IsValidEmail_accepts_a_well_formed_email_address() => EmailValidator.IsValidEmail("a@b.example");', '}', '',
    ].join('\n'));
    await activityEntry.click();
    const query = box.locator('#query');
    await query.waitFor({ state: 'visible', timeout: 15_000 });
    await query.fill('');
    await query.pressSequentially(QUERY, { delay: 15 });
    // No Enter: the results come while typing.
    let seen = [];
    await until(`${EXPECTED_PATH} and ${TEST_FILE} in Results`, 30_000, async () => {
      const files = seen = await resultFiles();
      return files.includes(path.basename(EXPECTED_PATH)) && files.includes(path.basename(TEST_FILE));
    }, 500).catch(async (err) => {
      fs.mkdirSync(artifacts, { recursive: true });
      fs.writeFileSync(path.join(artifacts, 'results-pane.html'), await resultsPane.first().innerHTML().catch((e) => String(e)));
      throw new Error(`${err.message}; file rows seen: ${seen.join(', ') || 'none'}`);
    });
    await box.locator('#message', { hasText: /\d+ results?/ }).waitFor({ state: 'visible', timeout: 5000 });
    await box.locator('#toggle').click();
    await box.locator('#excludeTests').check();
    await until(`${TEST_FILE} gone with "Exclude tests"`, 15_000, async () => {
      const files = await resultFiles();
      return files.includes(path.basename(EXPECTED_PATH)) && !files.includes(path.basename(TEST_FILE));
    });
    await box.locator('#exclude').pressSequentially('src/Mail', { delay: 10 });
    await until('src/Mail gone with "files to exclude"', 15_000, async () => {
      const files = await resultFiles();
      return files.length > 0 && !files.includes(path.basename(EXPECTED_PATH));
    });
    await box.locator('#message', { hasText: '(filtered)' }).waitFor({ state: 'visible', timeout: 5000 });
    await box.locator('#exclude').fill('');
    await box.locator('#languages').pressSequentially('py/thon', { delay: 10 });
    await box.locator('#message', { hasText: 'is not a language id' }).waitFor({ state: 'visible', timeout: 5000 });
    await box.locator('#languages').fill('');
    await box.locator('#languages').pressSequentially('python', { delay: 10 });
    await until('only Python files with languages = python', 15_000, async () => {
      const files = await resultFiles();
      return files.length > 0 && files.every((f) => f.endsWith('.py')) ? files.join(', ') : undefined;
    });
    await surface('sidebar-search-filters');
    const pythonOnly = (await resultFiles()).join(', ');
    await box.locator('#languages').fill('');
    await box.locator('#excludeTests').uncheck();
    await box.locator('#languages').press('Enter');
    return `live; exclude tests, src/Mail excluded, python only: ${pythonOnly}`;
  });

  await check('sidebar search box: ↑ brings back the previous query, ↓ the one typed', async () => {
    const query = box.locator('#query');
    await query.fill('');
    await query.pressSequentially(QUERY, { delay: 5 });
    await query.press('Enter');
    await query.fill('');
    await query.pressSequentially(NEW_QUERY, { delay: 5 });
    await query.press('Enter');
    await query.fill('');
    await query.pressSequentially('half typed', { delay: 5 });
    await query.press('ArrowUp');
    await until('the last query after ↑', 5000, async () => (await query.inputValue()) === NEW_QUERY);
    await query.press('ArrowUp');
    await until('the query before it after ↑ again', 5000, async () => (await query.inputValue()) === QUERY);
    await query.press('ArrowDown');
    await query.press('ArrowDown');
    await until('the half-typed query back after ↓ ↓', 5000, async () => (await query.inputValue()) === 'half typed');
    await surface('sidebar-search');
    return `${NEW_QUERY} ← ${QUERY} → half typed`;
  });

  // The language client's own progress entry is switched off: ours is the one Semantic Search entry.
  const ourEntries = page.locator('.statusbar-item', { hasText: /Indexing|chunks|Semantic Search/ });
  const openStatusMenu = async (label) => {
    await page.locator('.statusbar-item', { hasText: /Indexing|chunks/ }).first().click();
    const row = quickRows.filter({ hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
  };
  const UNSUBSCRIBE = 'UnsubscribeLink';
  const UNSUBSCRIBE_QUERY = 'build the unsubscribe link of a newsletter recipient';
  await check('Pause Indexing (status entry) holds a new file back; Resume indexes it', async () => {
    await openStatusMenu('Pause Indexing');
    await page.locator('.statusbar-item', { hasText: 'Indexing paused' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    fs.writeFileSync(path.join(workspace, 'src/Mail/Newsletter.cs'), [
      'namespace Mail;', '', 'public static class Newsletter', '{',
      '    /// <summary>Builds the unsubscribe link of a newsletter recipient.</summary>',
      `    public static string ${UNSUBSCRIBE}(string recipient) => "https://example.invalid/unsubscribe?to=" + recipient;`, '}', '',
    ].join('\n'));
    const query = box.locator('#query');
    await query.fill('');
    await query.pressSequentially(UNSUBSCRIBE_QUERY, { delay: 5 });
    await page.locator('.statusbar-item', { hasText: /Indexing paused \d+%/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForTimeout(3000);
    await query.press('Enter');
    await page.waitForTimeout(1500);
    const whilePaused = await resultsPane.innerText();
    if (whilePaused.includes(UNSUBSCRIBE)) {
      throw new Error('the new file was indexed while indexing was paused');
    }
    const entries = await ourEntries.count();
    if (entries !== 1) {
      throw new Error(`${entries} status bar entries report Semantic Search: ${(await ourEntries.allInnerTexts()).join(' | ')}`);
    }
    await surface('status-paused');
    await openStatusMenu('Resume Indexing');
    await until(`${UNSUBSCRIBE} found after Resume`, 30_000, async () => {
      await query.press('Enter');
      await page.waitForTimeout(700);
      return (await resultsPane.innerText()).includes(UNSUBSCRIBE);
    }, 300);
    await statusEntry.waitFor({ state: 'visible', timeout: 15_000 });
    return `paused: not found, one status entry; resumed: ${UNSUBSCRIBE} found`;
  });

  await check('Rebuild Index shows its progress in the one status entry only', async () => {
    await openPaletteCommand('Semantic Search: Rebuild Index');
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Rebuild' }).first().click();
    let most = 0;
    const end = Date.now() + 8000;
    let sawIndexing = false;
    while (Date.now() < end) {
      const texts = await page.locator('.statusbar-item').allInnerTexts();
      const ours = texts.filter((t) => /Indexing|Rebuilding|Reindexing|chunks|Semantic Search/.test(t));
      most = Math.max(most, ours.length);
      sawIndexing ||= ours.some((t) => t.includes('Indexing'));
      await page.waitForTimeout(100);
    }
    if (most !== 1) {
      throw new Error(`up to ${most} status bar entries reported the rebuild`);
    }
    await statusEntry.waitFor({ state: 'visible', timeout: 60_000 });
    return `one entry throughout${sawIndexing ? ' (it showed the pass)' : ''}`;
  });

  await check('reopening the window: the up-to-date index answers at once', async () => {
    const { workbench, shown, said } = await reloadUntilReady(statusEntry);
    return `workbench ${workbench} ms, then ready ${shown - workbench} ms later; status texts seen: ${said}`;
  });

  await check('multi-root: both folders are indexed and searched, results name their folder', async () => {
    // Under heavy machine load code-server has opened the workspace once with no folders (the file read late):
    // load it again if the explorer does not show its folders.
    for (let attempt = 1; ; attempt++) {
      await page.goto(`${url}/?workspace=${encodeURIComponent(multiRootFile)}`);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      try {
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*beta\s*$/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
        break;
      } catch (err) {
        if (attempt >= 2) {
          throw new Error(`the multi-root workspace opened without its folders twice: ${err.message}`);
        }
        log('     the workspace opened without folders; loading it again');
      }
    }
    await activityEntry.waitFor({ state: 'visible', timeout: 60_000 });
    await statusEntry.waitFor({ state: 'visible', timeout: 120_000 });
    await openPaletteCommand('Semantic Search');
    const beta = await until('a result from the second folder', 30_000, async () => {
      try {
        return await searchInQuickPick('parcel postage from shipping weight', /beta • notes\/shipping\.py:\d+/, 3000);
      } catch {
        return undefined;
      }
    }, 500);
    await quickRows.filter({ hasText: /alpha • src\/Billing\/InvoiceCalculator\.cs:\d+/ }).first().waitFor({ state: 'visible', timeout: 5000 });
    const text = (await beta.innerText()).replace(/\s+/g, ' ');
    await page.keyboard.press('Escape');
    return text;
  });
}

try {
  if (scenario === 'default-model') {
    await defaultModelScenario();
  } else if (scenario === 'broken') {
    await brokenScenario();
  } else if (scenario === 'untrusted') {
    await untrustedScenario();
  } else if (scenario === 'reopen') {
    await reopenScenario();
  } else {
    await fullScenario();
  }
} catch {
  // Reported by check(); fall through to the screenshot and summary.
} finally {
  if (failed) {
    fs.mkdirSync(artifacts, { recursive: true });
    const shot = path.join(artifacts, 'failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    fs.writeFileSync(path.join(artifacts, 'console-errors.txt'), consoleErrors.join('\n'));
    console.log(`e2e: screenshot saved to ${shot} (browser console errors: ${path.join(artifacts, 'console-errors.txt')})`);
  }
  await context.close().catch(() => {});
}
console.log(`e2e: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
