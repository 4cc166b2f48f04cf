"""Random text columns: pseudo-text comments, v-strings (addresses) and phone numbers.

Clause 4.2.2.10: a "text string [min, max]" is a substring, of random length in [min, max] at a
random offset, of a large pseudo text made by the grammar of 4.2.2.14. Clause 4.2.2.7: a
"v-string [min, max]" is a random string of random length over at least 64 symbols. Clause
4.2.2.9: phone numbers are "<nation + 10>-<100..999>-<100..999>-<1000..9999>".
"""

from __future__ import annotations

import random

import numpy as np

import cells
import spec

# 4.2.2.7: at least 64 symbols. Letters, digits, space and comma (CSV quotes the column).
VSTRING_ALPHABET = np.frombuffer(
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,", dtype=np.uint8)
DEFAULT_POOL_BYTES = 2 << 20


def _noun_phrase(pick: random.Random) -> str:
    """4.2.2.14: <noun> | <adjective> <noun> | <adjective>, <adjective> <noun>
    | <adverb> <adjective> <noun>."""
    form = pick.randrange(4)
    noun = pick.choice(spec.NOUNS)
    if form == 0:
        return noun
    if form == 1:
        return f"{pick.choice(spec.ADJECTIVES)} {noun}"
    if form == 2:
        return f"{pick.choice(spec.ADJECTIVES)}, {pick.choice(spec.ADJECTIVES)} {noun}"
    return f"{pick.choice(spec.ADVERBS)} {pick.choice(spec.ADJECTIVES)} {noun}"


def _verb_phrase(pick: random.Random) -> str:
    """4.2.2.14: <verb> | <auxiliary> <verb> | <verb> <adverb> | <auxiliary> <verb> <adverb>."""
    form = pick.randrange(4)
    verb = pick.choice(spec.VERBS)
    if form == 0:
        return verb
    if form == 1:
        return f"{pick.choice(spec.AUXILIARIES)} {verb}"
    if form == 2:
        return f"{verb} {pick.choice(spec.ADVERBS)}"
    return f"{pick.choice(spec.AUXILIARIES)} {verb} {pick.choice(spec.ADVERBS)}"


def _prepositional_phrase(pick: random.Random) -> str:
    """4.2.2.14: <preposition> the <noun phrase>."""
    return f"{pick.choice(spec.PREPOSITIONS)} the {_noun_phrase(pick)}"


def _sentence(pick: random.Random) -> str:
    """4.2.2.14: one of the five sentence forms, ended by a terminator."""
    form = pick.randrange(5)
    noun, verb = _noun_phrase(pick), _verb_phrase(pick)
    if form == 0:
        words = [noun, verb]
    elif form == 1:
        words = [noun, verb, _prepositional_phrase(pick)]
    elif form == 2:
        words = [noun, verb, _noun_phrase(pick)]
    elif form == 3:
        words = [noun, _prepositional_phrase(pick), verb, _noun_phrase(pick)]
    else:
        words = [noun, _prepositional_phrase(pick), verb, _prepositional_phrase(pick)]
    return " ".join(words) + pick.choice(spec.TERMINATORS)


def text_pool(seed: int, size: int = DEFAULT_POOL_BYTES) -> np.ndarray:
    """The pseudo text that comments are cut from: grammar sentences separated by spaces."""
    pick = random.Random(seed)
    sentences: list[str] = []
    total = 0
    while total < size:
        sentence = _sentence(pick)
        sentences.append(sentence)
        total += len(sentence) + 1
    return np.frombuffer(" ".join(sentences).encode("ascii")[:size], dtype=np.uint8)


def text_strings(rng: np.random.Generator, pool: np.ndarray, rows: int, low: int,
                 high: int) -> cells.Cells:
    """4.2.2.10, text string [low, high]: substrings of the pool, quoted for CSV."""
    length = rng.integers(low, high + 1, rows)
    offset = rng.integers(0, pool.size - high, rows)
    data = pool[offset[:, None] + np.arange(high)[None, :]]
    return cells.quoted(cells.Cells(data, length))


def v_strings(rng: np.random.Generator, rows: int, low: int, high: int) -> cells.Cells:
    """4.2.2.7, v-string [low, high]: random symbols of random length, quoted for CSV."""
    length = rng.integers(low, high + 1, rows)
    data = VSTRING_ALPHABET[rng.integers(0, VSTRING_ALPHABET.size, (rows, high))]
    return cells.quoted(cells.Cells(data, length))


def phones(rng: np.random.Generator, nation: np.ndarray) -> cells.Cells:
    """4.2.2.9: country code (nation key + 10) and three random local numbers."""
    rows = nation.size
    dash = cells.constant("-", rows)
    return cells.hstack(cells.digits(nation + 10, 2), dash,
                        cells.digits(rng.integers(100, 1000, rows), 3), dash,
                        cells.digits(rng.integers(100, 1000, rows), 3), dash,
                        cells.digits(rng.integers(1000, 10000, rows), 4))
