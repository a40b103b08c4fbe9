#!/usr/bin/env python3
"""Builds src/matching/wordforms.tsv, the word-form table rubricate's matcher reads, from
WordNet 3.0's database files.

    python3 tools/wordforms/build.py /usr/share/wordnet [src/matching/wordforms.tsv]
    python3 tools/wordforms/build.py /usr/share/wordnet --sample 60   # read what it merges

Three kinds of entry, all taken from WordNet and none written by hand:

- `form`: an inflected word and its base word, where the stemmer does not already give them
  one stem: WordNet's exception lists (`ran run`, `children child`, `built build`) and the
  words of WordNet's own glosses that WordNet's inflection rules (morphy(7WN)) take back to
  exactly one base (`freed free`).
- `family`: a stem and the stem of its derivational family (`economi econom`: economy is
  economic), where WordNet relates two words as derivations (`+` and `\\` pointers, in their
  first senses) and the shorter one's stem starts the longer one's, followed only by
  meaning-keeping suffixes.
- `apart`: a word the stemmer gives the stem of a word of another meaning, which WordNet
  does not relate it to (organization and organ both stem to `organ`, capitalism and capital
  to `capit`), with a key of its own shared with its regular inflections.

Words are single lower-case ASCII words; the table is sorted and the same for the same input.
"""

import argparse
import collections
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import porter2  # noqa: E402

POS_FILES = (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv"))
WORD = re.compile(r"[a-z]+\Z")

# WordNet's detachment rules (morphy(7WN)): an ending and what replaces it in the base form.
MORPHY_RULES = {
    "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}

# What a derived word may add to the root both words share, for derivations that keep the
# meaning (economy, economic; judicial, judiciary; reuse, reusable; verify, verification).
# Not -ism, -ist, -ize, -er, -or, -ee, -ship, -hood: those name a doctrine, a person, an
# instrument or an act (capitalism, capitalist, capitalize; computer, header, employee).
MEANING_KEEPING = frozenset(
    """e y ic ical al ial ary ive ion ation ition ication ity ment able ible ness ous ory atory
    ance ence ancy ency ability ibility""".split()
) | {""}
LEAST_STEM = 4  # a shorter root is too ambiguous to join on (art, artery)
MAIN_SENSES = 2  # a link joins two words only between their first senses (not element, elementary)

HEADER = """\
# rubricate word forms: built by tools/wordforms/build.py from WordNet 3.0; do not edit.
# Rebuild: python3 tools/wordforms/build.py /usr/share/wordnet src/matching/wordforms.tsv
# (WordNet from the Debian package wordnet-base); see tools/wordforms/README.md.
#
# form    WORD BASE: an inflected word and its base word (ran run, children child)
# family  STEM STEM: a stem and its derivational family's stem (economi econom)
# apart   WORD KEY:  a word kept apart from another word of its stem (capitalism capitalism)
#
# Derived from WordNet 3.0, under this licence:
#
# WordNet Release 3.0 This software and database is being provided to you, the LICENSEE, by
# Princeton University under the following license. By obtaining, using and/or copying this
# software and database, you agree that you have read, understood, and will comply with these
# terms and conditions.: Permission to use, copy, modify and distribute this software and
# database and its documentation for any purpose and without fee or royalty is hereby granted,
# provided that you agree to comply with the following copyright notice and statements,
# including the disclaimer, and that the same appear on ALL copies of the software, database
# and documentation, including modifications that you make for internal use or for
# distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS
# SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS
# OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON
# UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY
# PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL
# NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The name of
# Princeton University or Princeton may not be used in advertising or publicity pertaining to
# distribution of the software and/or database. Title to copyright in this software, database
# and any associated documentation shall at all times remain with Princeton University and
# LICENSEE agrees to preserve same.
"""


class WordNet:
    def __init__(self, folder):
        # lemma -> parts of speech it is listed under (index files are lower case), and
        # (lemma, pos, synset) -> the sense's rank, 1 for the most frequent
        self.lemmas = collections.defaultdict(set)
        self.sense_rank = {}
        for pos, name in POS_FILES:
            with open(os.path.join(folder, "index." + name), encoding="latin-1") as f:
                for line in f:
                    if not line.startswith(" "):
                        fields = line.split()
                        self.lemmas[fields[0]].add(pos)
                        synsets = int(fields[2])
                        for rank, offset in enumerate(fields[len(fields) - synsets :], 1):
                            self.sense_rank[(fields[0], pos, offset)] = rank
        # inflected form -> [(pos, base)]
        self.exceptions = collections.defaultdict(list)
        for pos, name in POS_FILES:
            with open(os.path.join(folder, name + ".exc"), encoding="latin-1") as f:
                for line in f:
                    form, *bases = line.split()
                    self.exceptions[form] += [(pos, b) for b in bases]
        # related word pairs, by pointer symbol; derivational and pertainym links with the
        # two senses' ranks; words of the glosses
        self.links = collections.defaultdict(set)
        self.derivations = set()
        self.gloss_words = set()
        self._synset_words = {}
        self._pointers = []
        for _, name in POS_FILES:
            with open(os.path.join(folder, "data." + name), encoding="latin-1") as f:
                for line in f:
                    if not line.startswith(" "):
                        self._read_synset(line)
        # adjective satellites are listed as `s` in data.adj but pointed to as `a`
        for (offset, pos), words in list(self._synset_words.items()):
            if pos == "s":
                self._synset_words[(offset, "a")] = words
        self._resolve()

    def _read_synset(self, line):
        head, _, gloss = line.partition("|")
        self.gloss_words.update(re.findall(r"[a-z]+", gloss))
        fields = head.split()
        offset, pos = fields[0], fields[2]
        count = int(fields[3], 16)
        words = [w for w in fields[4 : 4 + 2 * count : 2]]
        words = [re.sub(r"\(.*\)$", "", w) for w in words]
        at = 4 + 2 * count
        self._synset_words[(offset, pos)] = words
        pointers = int(fields[at])
        for k in range(pointers):
            symbol, target, tpos, st = fields[at + 1 + 4 * k : at + 5 + 4 * k]
            self._pointers.append((symbol, offset, pos, target, tpos, st, words))

    def _resolve(self):
        for symbol, offset, pos, target, tpos, st, words in self._pointers:
            src, dst = int(st[:2], 16), int(st[2:], 16)
            targets = self._synset_words.get((target, tpos))
            if targets is None:
                continue
            froms = [words[src - 1]] if src else words
            tos = [targets[dst - 1]] if dst else targets
            for a in froms:
                for b in tos:
                    if a != b and WORD.match(a) and WORD.match(b):
                        self.links[symbol].add((a, b))
                        if symbol in ("+", "\\"):
                            rank_a = self.sense_rank[(a, "a" if pos == "s" else pos, offset)]
                            rank_b = self.sense_rank[(b, tpos, target)]
                            self.derivations.add((a, rank_a, b, rank_b))
        del self._pointers, self._synset_words


def morphy_bases(wn, form):
    """The base forms WordNet's morphy finds for `form`, over all parts of speech, other than
    `form` itself."""
    bases = {base for _, base in wn.exceptions.get(form, [])}
    for pos, rules in MORPHY_RULES.items():
        for ending, replacement in rules:
            if form.endswith(ending):
                base = form[: len(form) - len(ending)] + replacement
                if len(base) > 2 and pos in wn.lemmas.get(base, ()):
                    bases.add(base)
    bases.discard(form)
    return {b for b in bases if WORD.match(b)}


def inflections(wn):
    """Inflected word -> base word, where the stemmer does not unify them."""
    table = {}
    candidates = {f for f in wn.exceptions if WORD.match(f)} | wn.gloss_words
    for form in sorted(candidates):
        # A word WordNet lists as a noun or verb of its own keeps its meaning (left, found,
        # saw, better: to better, data).
        own = wn.lemmas.get(form, set())
        if own & {"n", "v"}:
            continue
        bases = morphy_bases(wn, form)
        if "a" in own:
            # an adjective of its own (lobed is not lob): only its listed or linked base
            listed = {b for _, b in wn.exceptions.get(form, [])}
            bases = {b for b in bases if b in listed or (form, b) in wn.links["<"]}
        stems = {porter2.stem(b) for b in bases}
        if len(stems) != 1 or porter2.stem(form) in stems:
            continue  # ambiguous (leaves: leaf or leave), or already one stem
        table[form] = min(bases, key=lambda b: (len(b), b))
    return table


def same_meaning_shape(a, b):
    """Whether `a` and `b` are a root and its meaning-keeping derivation, or two such
    derivations of one root, by their stems: `None` when they already share one."""
    sa, sb = porter2.stem(a), porter2.stem(b)
    if sa == sb:
        return None
    (s1, w1), (s2, w2) = sorted(((sa, a), (sb, b)), key=lambda t: (len(t[0]), t[0]))
    if len(s1) < LEAST_STEM or not s2.startswith(s1) or not w2.startswith(s1):
        return False
    rest1, rest2 = w1[len(s1) :], w2[len(s1) :]
    if rest1 not in MEANING_KEEPING or rest2 not in MEANING_KEEPING:
        return False
    # A noun and its -y adjective drift apart (seed, seedy; catch, catchy; liver, livery);
    # -y beside another suffix is the root's own noun (economy, economic; verify, verification).
    return not ({rest1, rest2} & {"y"} and {rest1, rest2} & {"", "e"})


def family_pairs(wn):
    """Word pairs WordNet relates as derivations: linked directly, linked to one word, or
    prefixed alike (reuse is a use, and use and usable are linked: so reuse and reusable)."""
    linked = {}  # (x, z) -> x's best sense rank over the links between x and z
    direct = set()
    for a, rank_a, b, rank_b in wn.derivations:
        linked[(a, b)] = min(linked.get((a, b), rank_a), rank_a)
        linked[(b, a)] = min(linked.get((b, a), rank_b), rank_b)
        if max(rank_a, rank_b) <= MAIN_SENSES:
            direct.add((min(a, b), max(a, b)))
    neighbours = collections.defaultdict(set)
    for (x, z), rank in linked.items():
        if rank <= MAIN_SENSES:
            neighbours[z].add(x)
    pairs = set(direct)
    for z, words in neighbours.items():
        words = sorted(words)
        for i, x in enumerate(words):
            for y in words[i + 1 :]:
                pairs.add((x, y))
    related = collections.defaultdict(set)
    for links in wn.links.values():
        for a, b in links:
            related[a].add(b)
            related[b].add(a)
    partners = collections.defaultdict(set)
    for x, y in pairs:
        partners[x].add(y)
        partners[y].add(x)
    for word in sorted(w for w in wn.lemmas if WORD.match(w)):
        for cut in range(1, len(word) - 2):
            prefix, rest = word[:cut], word[cut:]
            if rest in related[word]:
                for other in partners.get(rest, ()):
                    if prefix + other in wn.lemmas:
                        pairs.add(tuple(sorted((word, prefix + other))))
    return pairs


def families(wn):
    """Stem -> its family's stem (the shortest), and the joined and refused word pairs."""
    parent = {}

    def find(s):
        while parent.get(s, s) != s:
            s = parent[s]
        return s

    joined, refused = [], []
    for a, b in sorted(family_pairs(wn)):
        shape = same_meaning_shape(a, b)
        if shape is None:
            continue
        if not shape:
            refused.append((a, b))
            continue
        joined.append((a, b))
        ra, rb = find(porter2.stem(a)), find(porter2.stem(b))
        if ra != rb:
            keep, drop = sorted((ra, rb), key=lambda s: (len(s), s))
            parent[drop] = keep
    table = {s: find(s) for s in parent if find(s) != s}
    return table, joined, refused


# What one word may add to another that WordNet leaves unlinked and still mean the same thing
# (approximate, approximately; theoretic, theoretical; gymnast, gymnastic; care, careful).
PRODUCTIVE = frozenset("s es ed d ing ly ally al ical ic ness ful ion ation".split())


def productive_pair(a, b):
    """Whether the longer of two words is the shorter one (less a final e or y) plus a
    productive suffix."""
    short, long = sorted((a, b), key=lambda w: (len(w), w))
    for root in {short, short.rstrip("e"), short[:-1] + "i" if short.endswith("y") else short}:
        if long.startswith(root) and long[len(root) :] in PRODUCTIVE:
            return True
    return False


def inflected(word):
    """Regular inflections a word may take (organizations, departments, experimented)."""
    forms = {word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    return forms


def kept_apart(wn):
    """Words the stemmer gives the stem of a word of another meaning (organization and organ
    both stem to `organ`, university and universe to `univers`, capitalism and capital to
    `capit`): word -> a key of its own, shared with its regular inflections.

    The words of one stem are split into groups WordNet relates (by any pointer, or as an
    inflection), joined again where one is the other plus a productive suffix; the group
    with the shortest word keeps the stem, each other group gets its shortest word as key."""
    related = collections.defaultdict(set)
    for links in wn.links.values():
        for a, b in links:
            related[a].add(b)
            related[b].add(a)
    stems = collections.defaultdict(set)
    for lemma in wn.lemmas:
        if WORD.match(lemma):
            stems[porter2.stem(lemma)].add(lemma)
    table, ambiguous = {}, set()
    for stem, words in sorted(stems.items()):
        if len(words) < 2:
            continue
        parent = {w: w for w in words}

        def find(w):
            while parent[w] != w:
                w = parent[w]
            return w

        ordered = sorted(words)
        for w in ordered:
            for other in sorted((related[w] | morphy_bases(wn, w)) & words):
                parent[find(other)] = find(w)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if find(a) != find(b) and productive_pair(a, b):
                    parent[find(b)] = find(a)
        groups = collections.defaultdict(set)
        for w in ordered:
            groups[find(w)].add(w)
        if len(groups) < 2:
            continue
        root = min(groups.values(), key=lambda g: min((len(w), w) for w in g))
        for group in groups.values():
            if group is root:
                continue
            key = min(group, key=lambda w: (len(w), w))
            if key == stem:
                continue
            for w in sorted(group):
                for form in {w} | inflected(w):
                    if form != w and (form in words or porter2.stem(form) != stem):
                        continue
                    if table.get(form, key) != key:
                        ambiguous.add(form)
                    table[form] = key
    for form in ambiguous:
        del table[form]
    return table


def write(path, forms, family_of, apart):
    rows = [("form", w, b) for w, b in forms.items()]
    rows += [("family", s, r) for s, r in family_of.items()]
    rows += [("apart", w, k) for w, k in apart.items()]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        for kind, key, value in sorted(rows):
            f.write(f"{kind}\t{key}\t{value}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wordnet", help="folder with WordNet 3.0's index.*, data.* and *.exc files")
    parser.add_argument("out", nargs="?", help="table to write (default: only report)")
    parser.add_argument("--sample", type=int, default=0, help="print this many random entries of each kind")
    args = parser.parse_args()

    wn = WordNet(args.wordnet)
    forms = inflections(wn)
    family_of, joined, refused = families(wn)
    apart = kept_apart(wn)
    print(f"forms {len(forms)}, family stems {len(family_of)} from {len(joined)} word pairs "
          f"({len(refused)} related pairs refused), apart {len(apart)}", file=sys.stderr)
    if args.sample:
        rng = random.Random(1)
        for title, items in (("forms", sorted(forms.items())), ("joined", joined),
                             ("refused", refused), ("apart", sorted(apart))):
            chosen = rng.sample(items, min(args.sample, len(items)))
            print(f"== {title}: " + " ".join("/".join(i) if isinstance(i, tuple) else i for i in chosen),
                  file=sys.stderr)
    if args.out:
        write(args.out, forms, family_of, apart)


if __name__ == "__main__":
    main()
