// protocol.ts against the contract fixture that the server's C# tests check too: a field added on one side
// only, or a renamed one, fails here or there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';

const repo = path.join(__dirname, '..', '..', '..');

function interfaces(file: string): Map<string, string[]> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = new Map<string, string[]>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) {
      const fields = node.members
        .filter(ts.isPropertySignature)
        .map((m) => m.name.getText(source))
        .sort();
      found.set(node.name.text, fields);
    }
  });
  return found;
}

test('every protocol type of the contract has exactly its fields in protocol.ts', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'fixtures', 'contract', 'protocol.json'), 'utf8'));
  const declared = interfaces(path.join(repo, 'client-vscode', 'src', 'logic', 'protocol.ts'));
  for (const [name, fields] of Object.entries(fixture.types as Record<string, string[]>)) {
    assert.ok(declared.has(name), `protocol.ts has no interface ${name}`);
    assert.deepEqual(declared.get(name), [...fields].sort(), `fields of ${name}`);
  }
});
