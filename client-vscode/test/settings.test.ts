import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../src/logic/restart';
import { buildServerSettings, ConfigReader, excludesFromGlobs, maxResults, parseSize, serverCommand, typingDelay } from '../src/logic/settings';

function cfg(values: Record<string, unknown>): ConfigReader {
  return { get: <T>(key: string, fallback: T) => (key in values ? values[key] as T : fallback) };
}

test('server settings: machine values from the window, resource values merged over folders', () => {
  const s = buildServerSettings(
    cfg({ modelPath: ' /models/tiny ', executionProvider: 'cuda', threads: 3.7, indexLocation: '', feedbackLog: false }),
    [cfg({ excludes: ['dist/**', ' '], maxFileSize: '500k', useGitIgnore: false }), cfg({ excludes: ['dist/**', 'vendor/'], maxFileSize: '2m' })],
  );
  assert.deepEqual(s, {
    modelPath: '/models/tiny', executionProvider: 'cuda', excludes: ['dist/**', 'vendor/'], maxFileSize: '2m',
    useGitIgnore: true, indexLocation: 'cache', feedbackLog: false, threads: 3,
  });
});

test('server settings: an unreadable size is left to the server default', () => {
  assert.equal(buildServerSettings(cfg({}), [cfg({ maxFileSize: 'huge' })]).maxFileSize, undefined);
});

test('server settings: defaults, and an unknown provider becomes auto', () => {
  assert.deepEqual(buildServerSettings(cfg({ executionProvider: 'tpu' }), []), {
    modelPath: '', executionProvider: 'auto', excludes: [], useGitIgnore: true, indexLocation: 'cache', feedbackLog: true,
    threads: 0,
  });
});

test('sizes', () => {
  assert.equal(parseSize('123'), 123);
  assert.equal(parseSize('500k'), 500000);
  assert.equal(parseSize(' 2M '), 2_000_000);
  assert.equal(parseSize('lots'), undefined);
  // The contract fixture the server's ByteSize tests read too: one rule on both sides.
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'contract', 'byte-sizes.json'), 'utf8'));
  for (const item of fixture.valid) {
    assert.equal(parseSize(item.text), item.bytes, item.text);
  }
  for (const text of fixture.invalid) {
    assert.equal(parseSize(text), undefined, text);
  }
});

test('server command: a dll runs under dotnet, anything else directly, the setting wins over the bundle', () => {
  assert.deepEqual(serverCommand('', '/ext/server/SemanticSearch.Server.dll', ''), { command: 'dotnet', args: ['/ext/server/SemanticSearch.Server.dll'] });
  assert.deepEqual(
    serverCommand('/opt/ss/SemanticSearch.Server.DLL', '/ext/x.dll', '/usr/share/dotnet/dotnet'),
    { command: '/usr/share/dotnet/dotnet', args: ['/opt/ss/SemanticSearch.Server.DLL'] });
  assert.deepEqual(serverCommand('/opt/ss/SemanticSearch.Server', '/ext/x.dll', ''), { command: '/opt/ss/SemanticSearch.Server', args: [] });
});

test('restart policy: five crashes in the window restart, the sixth does not, old crashes expire', () => {
  const p = new RestartPolicy(5, 1000);
  for (let i = 0; i < 5; i++) {
    assert.equal(p.shouldRestart(i), true);
  }
  assert.equal(p.shouldRestart(10), false);
  assert.equal(p.shouldRestart(5000), true);
  p.reset();
  assert.equal(p.shouldRestart(5001), true);
});

test('renamed settings: the new name wins wherever set, else the old name, else the default', () => {
  const reader = (values: Record<string, unknown>, set: Record<string, unknown> = {}) => ({
    inspect: <T>(key: string) => (key in set ? { globalValue: set[key] as T } : {}),
    get: <T>(key: string) => values[key] as T | undefined,
  });
  assert.equal(maxResults(reader({ maxResults: 20 })), 20);
  assert.equal(maxResults(reader({ maxResults: 20, topK: 7 })), 7);
  assert.equal(maxResults(reader({ maxResults: 30, topK: 7 }, { maxResults: 30 })), 30);
  assert.equal(typingDelay(reader({ searchDebounceMs: 0 })), 0);
  assert.equal(typingDelay(reader({})), 250);
});

test('package.json: settings explain themselves in Markdown, enums per value, commands under one category', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  for (const [key, setting] of Object.entries(pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>)) {
    assert.ok(typeof setting.markdownDescription === 'string' && !('description' in setting), `${key}: markdownDescription only`);
    if (Array.isArray(setting.enum)) {
      assert.equal((setting.enumDescriptions as unknown[] | undefined)?.length, setting.enum.length, `${key}: one description per value`);
    }
    assert.doesNotMatch(key, /Ms$|topK|Debounce/i, `${key}: a plain name`);
  }
  for (const c of pkg.contributes.commands as { command: string; title: string; category?: string }[]) {
    assert.doesNotMatch(c.title, /^Semantic Search:/, `${c.command}: the category names the extension, not the title`);
    if (!c.title.startsWith('Semantic Search')) {
      assert.equal(c.category, 'Semantic Search', `${c.command}: category`);
    }
  }
});

test('VS Code excludes: true entries only, braces expanded, root-relative globs anchored, folders as directories', () => {
  assert.deepEqual(
    excludesFromGlobs(
      { '**/.git': true, '**/{dist,out}': true, 'docs/**': true, 'notes.md': true, '**/*.js': { when: '$(basename).ts' }, '**/tmp': false },
      { '**/node_modules': true, '**/.git': true },
      undefined,
    ),
    ['**/.git', '**/dist', '**/out', '/docs/', '/notes.md', '**/node_modules'],
  );
  const s = buildServerSettings(cfg({}), [cfg({ excludes: ['gen/'] })], ['**/node_modules']);
  assert.deepEqual(s.excludes, ['**/node_modules', 'gen/']);
});
