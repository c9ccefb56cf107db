// protocol.ts against the contract fixture that the server's C# tests check too: a field added on one side
// only, or a renamed one, fails here or there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ts from 'typescript';
import { Methods } from '../src/logic/protocol';

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

/** The string literals of each exported union type alias (`type X = 'a' | 'b'`). */
function unions(file: string): Map<string, string[]> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = new Map<string, string[]>();
  source.forEachChild((node) => {
    if (ts.isTypeAliasDeclaration(node) && ts.isUnionTypeNode(node.type)) {
      const values = node.type.types.map((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : `<not a string literal: ${t.getText(source)}>`);
      found.set(node.name.text, values);
    }
  });
  return found;
}

const fixturePath = path.join(repo, 'tests', 'fixtures', 'contract', 'protocol.json');
const protocolPath = path.join(repo, 'client-vscode', 'src', 'logic', 'protocol.ts');

test('every enum of the contract is a union of exactly its values in protocol.ts', () => {
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
  const declared = unions(protocolPath);
  for (const [name, values] of Object.entries(fixture.enums as Record<string, string[]>)) {
    assert.ok(declared.has(name), `protocol.ts has no union type ${name}`);
    assert.deepEqual(declared.get(name), values, `values of ${name}`);
  }
});

test('Methods holds exactly the methods of the contract', () => {
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
  assert.deepEqual(Object.values(Methods).sort(), [...(fixture.methods as string[])].sort());
});

test('every protocol type of the contract has exactly its fields in protocol.ts', () => {
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
  const declared = interfaces(protocolPath);
  for (const [name, fields] of Object.entries(fixture.types as Record<string, string[]>)) {
    assert.ok(declared.has(name), `protocol.ts has no interface ${name}`);
    assert.deepEqual(declared.get(name), [...fields].sort(), `fields of ${name}`);
  }
});
