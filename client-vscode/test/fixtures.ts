// Shared test data (not a test file: node --test only runs *.test.js).
import type { SearchHit } from '../src/logic/protocol';

export function hit(over: Partial<SearchHit> = {}): SearchHit {
  return {
    resultId: 'r1', rank: 1, uri: 'file:///ws/src/Mail/EmailValidator.cs', folder: 'file:///ws',
    path: 'src/Mail/EmailValidator.cs',
    range: { start: { line: 12, character: 4 }, end: { line: 26, character: 41 } },
    symbol: 'IsValidEmail', container: 'Acme.Mail.EmailValidator', kind: 'Method', language: 'csharp',
    signature: 'public static bool IsValidEmail(string address)',
    snippet: '    /// <summary>Checks an address.</summary>\n    public static bool IsValidEmail(string address)\n    {',
    score: 0.8123,
    matches: [
      { range: { start: { line: 13, character: 30 }, end: { line: 13, character: 35 } }, text: 'Email', queryToken: 'email', similarity: 0.99 },
      { range: { start: { line: 13, character: 40 }, end: { line: 13, character: 47 } }, text: 'address', queryToken: 'address', similarity: 0.97 },
      { range: { start: { line: 13, character: 26 }, end: { line: 13, character: 31 } }, text: 'Valid', queryToken: 'validate', similarity: 0.6 },
    ],
    ...over,
  };
}
