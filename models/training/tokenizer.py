"""WordPiece tokenizer and PyLate packing that reproduce the SemanticSearch engine exactly.

The engine (server/SemanticSearch.Engine/Models/ModelTokenizer.cs) pre-tokenizes the ORIGINAL text with a .NET
regex, optionally splits identifiers, then hands each word to Microsoft.ML.Tokenizers' BertTokenizer, whose
normalizer lower-cases only Lu characters, strips non-spacing marks (NFD ... NFC), drops control characters, NUL and
U+FFFD, and pads CJK ideographs with spaces. This module mirrors those rules, including .NET quirks (the regex
works on UTF-16 code units, so astral characters are never whitespace or punctuation), because training must see
the same ids the engine feeds the model. Parity is checked against golden_code_tokenization.json in both languages.
"""

import json
import os
import re
import unicodedata

# PyLate's skiplist: the 32 ASCII punctuation characters.
SKIPLIST = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _is_net_whitespace(ch):
    # .NET regex \s: [\f\n\r\t\v\x85\p{Z}] (Python's str.isspace also has \x1c-\x1f, which .NET does not).
    if ch in "\t\n\x0b\x0c\r\x85":
        return True
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _is_punct(ch):
    o = ord(ch)
    if 0x21 <= o <= 0x2F or 0x3A <= o <= 0x40 or 0x5B <= o <= 0x60 or 0x7B <= o <= 0x7E:
        return True
    return unicodedata.category(ch).startswith("P")


def _char_class(pred):
    # Only BMP characters: .NET's regex sees an astral character as two surrogates (category Cs), which are
    # neither whitespace nor punctuation, so astral characters always belong to words.
    chars = [chr(o) for o in range(0x10000) if not 0xD800 <= o <= 0xDFFF and pred(chr(o))]
    return "".join(re.escape(c) for c in chars)


_WS = _char_class(_is_net_whitespace)
_P = _char_class(_is_punct)
# The engine's ModelTokenizer.WordOrPunct: [^\s<P>]+|[<P>]
_WORD_OR_PUNCT = re.compile("[^%s%s]+|[%s]" % (_WS, _P, _P))


def pre_tokenize(text):
    """Word spans (start, end) in code points, exactly as the engine's pre-tokenizer regex finds them."""
    for m in _WORD_OR_PUNCT.finditer(text):
        yield m.start(), m.end()


def split_identifier(word):
    """models/README.md identifier rule, over code points (same as the engine's SplitIdentifier)."""
    cats = [unicodedata.category(ch) for ch in word]

    def up(c):
        return c in ("Lu", "Lt")

    def lo(c):
        return c == "Ll"

    def letter(c):
        return c in ("Lu", "Ll", "Lt", "Lm", "Lo")

    parts, start = [], 0
    for k in range(1, len(word)):
        p, c = cats[k - 1], cats[k]
        nxt = cats[k + 1] if k + 1 < len(word) else None
        if (lo(p) and up(c)) or (up(p) and up(c) and nxt is not None and lo(nxt)) \
                or (letter(p) and c == "Nd") or (p == "Nd" and letter(c)):
            parts.append(word[start:k])
            start = k
    parts.append(word[start:])
    return parts


def _is_cjk(o):
    return (0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x4E00 <= o <= 0x9FFF or 0x20000 <= o <= 0x2A6DF
            or 0x2A700 <= o <= 0x2B73F or 0x2B740 <= o <= 0x2B81F or 0x2B820 <= o <= 0x2CEAF
            or 0x2F800 <= o <= 0x2FA1F)


def _utf16_len(s):
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


class WordPieceTokenizer:
    def __init__(self, vocab_path, lowercase=True, strip_accents=True, split_identifiers=True,
                 max_input_chars_per_word=100):
        self.vocab = {}
        with open(vocab_path, encoding="utf-8") as f:
            for i, line in enumerate(f.read().split("\n")):
                tok = line.rstrip("\r")
                if i == 0 or tok:  # a trailing newline is not a token
                    self.vocab.setdefault(tok, i)
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.split_identifiers = split_identifiers
        self.max_chars = max_input_chars_per_word
        self.unk_id = self.vocab["[UNK]"]
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]
        self.pad_id = self.vocab["[PAD]"]
        self.mask_id = self.vocab["[MASK]"]
        self.skiplist_ids = {self.vocab[t] for t in SKIPLIST}
        self._cache = {}

    def normalize(self, word):
        """Microsoft.ML.Tokenizers BertNormalizer (per word)."""
        if self.strip_accents:
            word = unicodedata.normalize("NFD", word)
        out = []
        for ch in word:
            if ch in ("\x00", "\ufffd"):
                continue
            cat = unicodedata.category(ch)
            if cat == "Cc":
                continue
            if cat == "Zs":
                out.append(" ")
                continue
            if self.strip_accents and cat == "Mn":
                continue
            if self.lowercase and cat == "Lu":
                out.append(ch.lower())
                continue
            if _is_cjk(ord(ch)):
                out.append(" " + ch + " ")
                continue
            out.append(ch)
        return unicodedata.normalize("NFC", "".join(out))

    def _wordpiece(self, word):
        if _utf16_len(word) > self.max_chars:
            return [self.unk_id]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk_id]
            ids.append(found)
            start = end
        return ids

    def _word_ids(self, word):
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        ids = []
        # The BERT pre-tokenizer runs again on the normalized word (CJK padding can split it).
        norm = self.normalize(word)
        for s, e in pre_tokenize(norm):
            ids.extend(self._wordpiece(norm[s:e]))
        if len(self._cache) < 500000:
            self._cache[word] = ids
        return ids

    def words(self, text):
        for s, e in pre_tokenize(text):
            w = text[s:e]
            if self.split_identifiers and len(w) > 1:
                yield from split_identifier(w)
            else:
                yield w

    def tokenize(self, text):
        """Content token ids (no specials), as ModelTokenizer.Tokenize."""
        ids = []
        for w in self.words(text):
            ids.extend(self._word_ids(w))
        return ids

    def id_to_token(self):
        inv = {}
        for t, i in self.vocab.items():
            inv.setdefault(i, t)
        return inv


class Packer:
    """PyLate packing as the engine does it (models/README.md, "Processing contract")."""

    def __init__(self, tokenizer, query_marker="[unused0]", query_max_length=32, expand_with_mask=False,
                 document_marker="[unused1]", document_max_length=256):
        self.tok = tokenizer
        self.q_marker = tokenizer.vocab[query_marker] if query_marker else None
        self.d_marker = tokenizer.vocab[document_marker] if document_marker else None
        self.q_max = query_max_length
        self.d_max = document_max_length
        self.expand = expand_with_mask

    def query(self, text):
        """-> (ids, attention, keep); keep = which output vectors the engine keeps."""
        content = self.tok.tokenize(text)
        budget = self.q_max - 2 - (1 if self.q_marker is not None else 0)
        ids = [self.tok.cls_id] + ([self.q_marker] if self.q_marker is not None else []) + content[:budget] \
            + [self.tok.sep_id]
        att = [1] * len(ids)
        if self.expand:
            while len(ids) < self.q_max:
                ids.append(self.tok.mask_id)
                att.append(0)
        return ids, att, [1] * len(ids)

    def document(self, text):
        content = self.tok.tokenize(text)
        budget = self.d_max - 2 - (1 if self.d_marker is not None else 0)
        content = content[:budget]
        ids = [self.tok.cls_id] + ([self.d_marker] if self.d_marker is not None else []) + content + [self.tok.sep_id]
        att = [1] * len(ids)
        # Specials are always kept; skiplisted content tokens are dropped (the engine's OutputMask).
        specials = 2 if self.d_marker is not None else 1
        keep = [1] * specials + [0 if t in self.tok.skiplist_ids else 1 for t in content] + [1]
        return ids, att, keep


def default_vocab_path():
    # The shipped model's vocabulary (bert-base-uncased): in every checkout, so training needs nothing beside it.
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    return os.path.join(repo, "models", "default", "vocab.txt")


if __name__ == "__main__":
    import sys
    tok = WordPieceTokenizer(default_vocab_path())
    inv = tok.id_to_token()
    for line in sys.stdin:
        print(json.dumps([inv[i] for i in tok.tokenize(line.rstrip("\n"))]))
