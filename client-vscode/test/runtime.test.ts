import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDotnet } from '../src/logic/runtime';

const lookup = (files: string[], env: Record<string, string | undefined> = {}, platform: NodeJS.Platform = 'linux') =>
  findDotnet({ env, platform, home: platform === 'win32' ? 'C:\\Users\\u' : '/home/u', exists: (f) => files.includes(f) });

test('runtime: PATH first, as a spawn would find it', () => {
  assert.equal(lookup(['/opt/x/dotnet', '/usr/share/dotnet/dotnet'], { PATH: '/usr/bin:/opt/x' }), '/opt/x/dotnet');
});

test('runtime: off PATH, DOTNET_ROOT, then the installers\' places (~/.dotnet before the system ones)', () => {
  assert.equal(lookup(['/usr/share/dotnet/dotnet'], { PATH: '/usr/bin' }), '/usr/share/dotnet/dotnet');
  assert.equal(lookup(['/home/u/.dotnet/dotnet', '/usr/share/dotnet/dotnet'], { PATH: '' }), '/home/u/.dotnet/dotnet');
  assert.equal(lookup(['/r/dotnet', '/home/u/.dotnet/dotnet'], { DOTNET_ROOT: '/r' }), '/r/dotnet');
  assert.equal(lookup(['/usr/local/share/dotnet/dotnet'], {}, 'darwin'), '/usr/local/share/dotnet/dotnet');
  assert.equal(lookup(['/usr/lib/dotnet/dotnet'], {}), '/usr/lib/dotnet/dotnet');
});

test('runtime: Windows looks for dotnet.exe on Path and under Program Files', () => {
  assert.equal(lookup(['C:\\Program Files\\dotnet\\dotnet.exe'], { Path: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' }, 'win32'),
    'C:\\Program Files\\dotnet\\dotnet.exe');
  assert.equal(lookup(['D:\\tools\\dotnet.exe'], { Path: 'C:\\Windows;D:\\tools' }, 'win32'), 'D:\\tools\\dotnet.exe');
});

test('runtime: none anywhere is undefined (the extension then names the missing runtime)', () => {
  assert.equal(lookup([], { PATH: '/usr/bin', DOTNET_ROOT: '/r' }), undefined);
});
