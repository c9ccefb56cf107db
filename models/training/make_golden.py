#!/usr/bin/python3
"""Writes golden_code_tokenization.json: the Python tokenizer's ids for a fixed list of diverse texts.

The C# test TrainedTokenizerParityTests and tests/test_tokenizer.py both check this file, so the trainer and the
engine provably feed the model the same ids. Regenerate only when the tokenizer rules change on purpose.
"""

import json
import os

from tokenizer import Packer, WordPieceTokenizer, default_vocab_path

TEXTS = [
    ("nl_query", "how do I validate an email address before sending?"),
    ("nl_accents", "Café résumé naïve façade Ångström — déjà vu"),
    ("camel", "parseHttpRequest XMLHttpRequest IOError getHTTPResponseCode toJSON"),
    ("snake", "read_config_file __init__ MAX_RETRY_COUNT _private_helper"),
    ("digits", "sha256sum utf8Decode x86_64 v1.2.3 int32 0xFF 1e-9 3.14159 8Decode"),
    ("python", "src/mail/validate.py EmailValidator.is_valid\ndef is_valid(self, addr: str) -> bool:\n"
               "    \"\"\"Return True if addr looks like an e-mail.\"\"\"\n    return bool(EMAIL_RE.match(addr))\n"),
    ("csharp", "server/Index/Store.cs IndexStore.Save\npublic async Task<int> SaveAsync(IReadOnlyList<Chunk> chunks,"
               " CancellationToken ct = default)\n{\n\tawait using var tx = _db.BeginTransaction();\n\treturn chunks.Count;\n}"),
    ("javascript", "web/app.js fetchUserProfile\nconst fetchUserProfile = async (userId) => {\n  const res = await "
                   "fetch(`/api/users/${userId}`);\n  if (!res.ok) throw new Error('HTTP ' + res.status);\n  return res.json();\n};"),
    ("go", "pkg/server/http.go Server.ServeHTTP\nfunc (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {\n"
           "\tif r.Method != http.MethodGet { w.WriteHeader(405); return }\n}"),
    ("rust", "src/lib.rs Parser::next_token\nimpl<'a> Iterator for Lexer<'a> { type Item = Token; fn next(&mut self) "
             "-> Option<Self::Item> { self.pos += 1; None } }"),
    ("java", "src/main/java/com/acme/HashMapCache.java HashMapCache.getOrDefault\n@Override public V getOrDefault("
             "Object key, V defaultValue) { return map.containsKey(key) ? map.get(key) : defaultValue; }"),
    ("ruby", "app/models/user.rb User#full_name\ndef full_name; \"#{first_name} #{last_name}\".strip; end"),
    ("sql_shell", "SELECT u.id, COUNT(*) AS n FROM users u WHERE u.created_at >= NOW() - INTERVAL '7 days';\n"
                  "grep -rn \"TODO\" src/ | wc -l && echo $HOME ~/.bashrc 2>&1"),
    ("symbols", "a+=b; c<<=2; d->e; f::g; h?.i ?? j; k!==l; m=>n; @decorator #pragma $var %fmt ^xor |pipe| \\escape"),
    ("unicode_mix", "naïveBayes Übergröße ÉCOLE straße ﬁle ½ ² ① İstanbul ǅemal Ωmega μs"),
    ("cjk", "读取配置文件 readConfig 日本語テキスト 한국어 텍스트 中文English混合"),
    ("emoji_astral", "deploy 🚀 done ✅ 𝒳 𝟘𝟙 𐍈 fix🐛bug"),
    ("whitespace", "tabs\tand\nnewlines\r\nand  double  spaces\u00a0nbsp\u2003emspace\u3000ideographic"),
    ("controls", "zero\u200bwidth soft\u00adhyphen bell\x07char nul\x00byte bom\ufeffmark repl\ufffdchar"),
    ("long_word", "a" * 120 + " " + "x" * 99 + " " + "Supercalifragilisticexpialidocious" * 3
                  + " pneumonoultramicroscopicsilicovolcanoconiosis"),
    ("long_identifier", "thisIsAVeryLongCamelCaseIdentifierThatKeepsGoingAndGoingUntilItIsReallyQuiteLong_and_then"
                        "_snake_case_too_with_numbers_123_456"),
    ("quotes_dashes", "“smart quotes” ‘single’ «guillemets» en–dash em—dash … ellipsis ‹›"),
    ("html_css", "<div class=\"nav-bar__item--active\" data-id='42'>Hi&nbsp;there</div> .btn:hover{color:#fff}"),
    ("markdown", "## Installation\n- Run `pip install -e .[dev]`\n- See [docs](https://example.com/docs?page=2#top)"),
    ("empty", ""),
    ("only_punct", "!@#$%^&*()_+-=[]{};':\",./<>?`~|\\"),
    ("greek_cyrillic", "Αλφάβητο ΑΒΓ Привет МирВсем ЁжикВТумане"),
    ("arabic_hebrew", "مرحبا بالعالم שלום עולם"),
    ("long_query", "find the function that parses the command line arguments and validates the configuration "
                   "file paths before starting the background indexing worker threads in the server process"),
    ("long_document", "def f(x):\n    return x\n" * 60),
]


def main():
    tok = WordPieceTokenizer(default_vocab_path())
    packer = Packer(tok, expand_with_mask=False, document_max_length=256)
    inv = tok.id_to_token()
    items = []
    for name, text in TEXTS:
        raw = tok.tokenize(text)
        q_ids, q_att, q_keep = packer.query(text)
        d_ids, d_att, d_keep = packer.document(text)
        items.append({
            "id": name,
            "text": text,
            "raw_ids": raw,
            "raw_tokens": [inv[i] for i in raw],
            "query": {"input_ids": q_ids, "attention_mask": q_att, "output_mask": q_keep},
            "document": {"input_ids": d_ids, "attention_mask": d_att, "output_mask": d_keep},
        })
    out = {
        "about": "Python reference tokenization (models/training/tokenizer.py) for the engine parity test; "
                 "settings as models/default/semsearch-model.json: lowercase, stripAccents, splitIdentifiers, "
                 "query [unused0] maxLength 32 without [MASK] expansion, document [unused1] maxLength 256 with the "
                 "32-character punctuation skiplist.",
        "items": items,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden_code_tokenization.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %s (%d items)" % (path, len(items)))


if __name__ == "__main__":
    main()
