import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmptyForm, filtersOf, hasFilters, HistoryCursor, readForm, termGlob } from '../src/logic/searchForm';

const form = (fields: Partial<typeof EmptyForm>) => ({ ...EmptyForm, ...fields });

test('search form: no filter fields send no filters', () => {
  assert.deepEqual(filtersOf(form({ query: 'retry' })), { filters: undefined });
  assert.deepEqual(filtersOf(form({ languages: ' , ', include: ' ', exclude: ',' })), { filters: undefined });
  assert.equal(hasFilters(EmptyForm), false);
  assert.equal(hasFilters(form({ excludeTests: true })), true);
});

test('search form: languages by comma or space, lower-cased; a wrong one is named and nothing is sent', () => {
  assert.deepEqual(filtersOf(form({ languages: 'CSharp, python  typescript' })).filters, { language: ['csharp', 'python', 'typescript'] });
  assert.deepEqual(filtersOf(form({ languages: 'c++ f#' })).filters, { language: ['c++', 'f#'] });
  const bad = filtersOf(form({ languages: 'csharp, py/thon' }));
  assert.equal(bad.filters, undefined);
  assert.match(bad.error ?? '', /"py\/thon" is not a language id/);
});

test('search form: plain paths mean that file or folder (anywhere when they have no slash), globs as written', () => {
  assert.equal(termGlob('src/web'), '{src/web,src/web/**}');
  assert.equal(termGlob('src/web/'), '{src/web,src/web/**}');
  assert.equal(termGlob('tests'), '{**/tests,**/tests/**}');
  assert.equal(termGlob('./tests'), '{tests,tests/**}');
  assert.equal(termGlob('src\\web'), '{src/web,src/web/**}');
  assert.equal(termGlob('**/*.cs'), '**/*.cs');
  assert.equal(termGlob('src/[ab]*.ts'), 'src/[ab]*.ts');
});

test('search form: include terms become one path glob, exclude terms a list, tests a flag', () => {
  assert.deepEqual(filtersOf(form({ include: 'src/web' })).filters, { pathGlob: '{src/web,src/web/**}' });
  assert.deepEqual(filtersOf(form({ include: '*.cs, services' })).filters, { pathGlob: '{*.cs,{**/services,**/services/**}}' });
  assert.deepEqual(filtersOf(form({ exclude: 'docs, **/*.md', excludeTests: true })).filters,
    { excludeGlob: ['{**/docs,**/docs/**}', '**/*.md'], excludeTests: true });
  assert.deepEqual(filtersOf(form({ exclude: 'src/{a,b}/**, docs/*' })).filters, { excludeGlob: ['src/{a,b}/**', 'docs/*'] });
  const bad = filtersOf(form({ exclude: 'src/{a,b' }));
  assert.match(bad.error ?? '', /"src\/\{a,b" has an unclosed bracket or brace/);
  assert.match(filtersOf(form({ include: 'src/[ab' })).error ?? '', /unclosed/);
});

test('search form: a stored form of another shape reads as empty fields', () => {
  assert.deepEqual(readForm(undefined), EmptyForm);
  assert.deepEqual(readForm('x'), EmptyForm);
  assert.deepEqual(readForm({ query: 3, languages: 'go', excludeTests: 'yes' }), form({ languages: 'go' }));
  assert.deepEqual(readForm({ ...EmptyForm, include: 'src', excludeTests: true }), form({ include: 'src', excludeTests: true }));
});

test('search form: up steps to older queries, down back to newer and then to the draft', () => {
  const cursor = new HistoryCursor(['newest', 'middle', 'oldest']);
  assert.equal(cursor.down(), undefined, 'down before stepping keeps the field');
  assert.equal(cursor.up('my draft'), 'newest');
  assert.equal(cursor.up('newest'), 'middle');
  assert.equal(cursor.up('middle'), 'oldest');
  assert.equal(cursor.up('oldest'), undefined, 'the oldest stays');
  assert.equal(cursor.down(), 'middle');
  assert.equal(cursor.down(), 'newest');
  assert.equal(cursor.down(), 'my draft');
  assert.equal(cursor.down(), undefined);
});

test('search form: up skips the entry the field already shows (the restored last query); typing starts over', () => {
  const cursor = new HistoryCursor(['last', 'before']);
  assert.equal(cursor.up('last'), 'before');
  cursor.typed();
  assert.equal(cursor.up('something new'), 'last');
  cursor.reset(['something new', 'last', 'before']);
  assert.equal(cursor.up('something new'), 'last');
});
