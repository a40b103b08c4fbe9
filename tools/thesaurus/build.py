#!/usr/bin/env python3
"""Builds src/matching/thesaurus.tsv, the thesaurus behind `{~word}` in rubric phrases, from
WordNet 3.0's database files.

    python3 tools/thesaurus/build.py /usr/share/wordnet [src/matching/thesaurus.tsv]
    python3 tools/thesaurus/build.py /usr/share/wordnet --show fast quick big car

A grader wants few synonyms, all of them right: `{~fast}` should find *quick* and *rapid*, not
*fasting*, and `{~car}` *automobile*, not *machine*. So each word keeps only its main senses,
and a synonym only the words whose main sense it shares:

- A word's main senses are decided by how often each sense was tagged in WordNet's sense-tagged
  corpora (`cntlist.rev`, the counts behind WordNet's sense order). Kept: the first sense of
  each part of speech whose first sense was tagged at least a quarter as often as the word's
  most tagged sense (and at least twice), and any later sense of it tagged at least half as
  often as its first (`fast`: the adjective *moving quickly*, 18, and the adverb *quickly*,
  16; not the noun or verb *abstain from food*, 1 and 0). A word never tagged keeps the first
  sense of each part of speech, which WordNet lists first.
- Two words are synonyms when a synset is a main sense of both (mutual: *machine* is a sense of
  the synset {car, auto, automobile, machine, motorcar}, but not a main one of *machine*, so
  neither takes the other).
- Adjectives: WordNet puts most synonyms of a head adjective in satellite synsets "similar to"
  it ({fast} has {quick, speedy} and {rapid, speedy}). A main satellite sense takes its head's
  words and the words of the head's other satellites; a main head sense takes its satellites'
  words; always under the same mutual rule, and only words tagged in that sense (which
  leaves out rare ones: *alacritous*).
- Proper names (words written with a capital in WordNet) are neither words nor synonyms; nor
  is a word WordNet lists as an irregular inflection of another (*said*, a synonym of *same*
  but in an answer nearly always *say*; *better*, *left*, *found*).

Each word's synonyms are listed closest first: the words of its own synsets (by the word's
sense order, then by how often the synonym was tagged in that sense), then a head adjective,
then satellites, then the head's other satellites; at most MAX_SYNONYMS. Words without synonyms are left out. The output is sorted
and the same for the same WordNet.
"""

import argparse
import collections
import os
import sys
import time

POS_FILES = (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv"))
# cntlist.rev's sense keys name the part of speech by number (5 is an adjective satellite)
KEY_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}

# A part of speech is the word's when its first sense was tagged at least OTHER_POS_SHARE as
# often as the word's most tagged sense
# and at least MIN_TAGS times (once may be a tagging slip: *rubber*, an adjective once);
# a sense after the first, when tagged at least MAIN_SHARE as often as the first of its part
# of speech.
OTHER_POS_SHARE = 0.25
MIN_TAGS = 2
MAIN_SHARE = 0.5
MAX_SYNONYMS = 12  # past this, synonyms are far from the word and only cost precision

# A negation inside a synonym (*not bad*) would make the phrase a negated one to the matcher.
NEGATION = {"not", "no", "never", "non"}

HEADER = """\
# rubricate thesaurus: built by tools/thesaurus/build.py from WordNet 3.0 (Princeton
# University); do not edit. Licence: tools/thesaurus/LICENSE-WordNet (WordNet 3.0 Copyright
# 2006 by Princeton University. All rights reserved.)
# Rebuild: python3 tools/thesaurus/build.py /usr/share/wordnet src/matching/thesaurus.tsv
# (WordNet from the Debian package wordnet-base); see tools/thesaurus/README.md.
#
# WORD<TAB>SYNONYM|SYNONYM|...: lower case, closest first, several words joined by spaces.
"""


class WordNet:
    def __init__(self, folder):
        # (lemma, pos) -> synset offsets in WordNet's sense order
        self.senses = {}
        for pos, name in POS_FILES:
            with open(os.path.join(folder, "index." + name), encoding="latin-1") as f:
                for line in f:
                    if line.startswith(" "):
                        continue
                    fields = line.split()
                    synsets = int(fields[2])
                    self.senses[(fields[0], pos)] = fields[len(fields) - synsets :]
        # (lemma, pos, sense number) -> times tagged in the sense-tagged corpora
        self.tags = collections.Counter()
        with open(os.path.join(folder, "cntlist.rev"), encoding="latin-1") as f:
            for line in f:
                key, number, count = line.split()
                lemma, _, rest = key.partition("%")
                self.tags[(lemma, KEY_POS[rest[0]], int(number))] += int(count)
        # irregular inflections of other words (said: say), from WordNet's exception lists
        self.inflections = set()
        for _, name in POS_FILES:
            with open(os.path.join(folder, name + ".exc"), encoding="latin-1") as f:
                for line in f:
                    form, *bases = line.split()
                    if any(base != form for base in bases):
                        self.inflections.add(form)
        # (offset, pos) -> the synset's words as written, satellite or not, similar-to links
        self.words = {}
        self.satellite = set()
        self.similar = collections.defaultdict(list)
        for pos, name in POS_FILES:
            with open(os.path.join(folder, "data." + name), encoding="latin-1") as f:
                for line in f:
                    if not line.startswith(" "):
                        self._read_synset(pos, line)

    def _read_synset(self, pos, line):
        fields = line.partition("|")[0].split()
        offset, ss_type = fields[0], fields[2]
        count = int(fields[3], 16)
        words = [w.split("(")[0] for w in fields[4 : 4 + 2 * count : 2]]
        self.words[(offset, pos)] = words
        if ss_type == "s":
            self.satellite.add((offset, pos))
        at = 4 + 2 * count
        for k in range(int(fields[at])):
            symbol, target, tpos = fields[at + 1 + 4 * k : at + 4 + 4 * k]
            if symbol == "&":
                self.similar[(offset, pos)].append(target)


def lemma(word):
    return word.lower().replace("_", " ")


def main_senses(wn):
    """lemma -> {(offset, pos): (sense order across the word, times tagged)} of its main
    senses, and lemma -> its forms' capitalisation check per synset."""
    by_lemma = collections.defaultdict(list)
    for (word, pos), offsets in wn.senses.items():
        for number, offset in enumerate(offsets, 1):
            by_lemma[word].append((wn.tags[(word, pos, number)], pos, number, offset))
    main = {}
    for word, senses in by_lemma.items():
        top = max(count for count, *_ in senses)
        pos_top = collections.Counter()
        for count, pos, number, _ in senses:
            if number == 1:
                pos_top[pos] = count
        if top > 0:
            least = max(MIN_TAGS, top * OTHER_POS_SHARE)
            own = {pos for pos, count in pos_top.items() if count == top or count >= least}
            kept = [
                s for s in senses
                if s[1] in own and (s[2] == 1 or s[0] >= pos_top[s[1]] * MAIN_SHARE > 0)
            ]
        else:
            kept = [s for s in senses if s[2] == 1]
        # most tagged first; untagged, nouns before verbs before adjectives before adverbs
        order = {"n": 0, "v": 1, "a": 2, "r": 3}
        kept.sort(key=lambda s: (-s[0], s[2], order[s[1]]))
        main[word] = {}
        for rank, (count, pos, number, offset) in enumerate(kept):
            # a sense written with a capital (Bill, the name) is a proper name, not the word
            written = [w for w in wn.words[(offset, pos)] if lemma(w) == lemma(word)]
            if written and all(w != w.lower() for w in written):
                continue
            main[word][(offset, pos)] = (rank, count)
    return main


def accepts(main, word, synset):
    """How often `word` was tagged in `synset` when that is one of its main senses (so that the
    synset may give it as a synonym); otherwise None."""
    sense = main.get(word, {}).get(synset)
    return None if sense is None else sense[1]


def synonyms(wn, main):
    table = {}
    for word in sorted(main):
        word_text = lemma(word)
        found = {}  # synonym -> closeness key

        def offer(synset, tier, rank):
            for position, written in enumerate(wn.words[synset]):
                other = written.lower()
                if written != other or lemma(other) == word_text or NEGATION & set(other.split("_")):
                    continue
                if other in wn.inflections:
                    continue  # an answer's *said* is *say*, not *same*
                accepted = accepts(main, other, synset)
                if accepted is None or (tier > 0 and accepted == 0):
                    continue
                key = (tier, rank, -accepted, position)
                if other not in found or key < found[other]:
                    found[other] = key

        for synset, (rank, _) in main[word].items():
            offer(synset, 0, rank)
            if synset[1] != "a":
                continue
            if synset in wn.satellite:
                for head in wn.similar[synset]:
                    offer((head, "a"), 1, rank)
                    for sibling in wn.similar[(head, "a")]:
                        if sibling != synset[0]:
                            offer((sibling, "a"), 3, rank)
            else:
                for satellite in wn.similar[synset]:
                    offer((satellite, "a"), 2, rank)
        if found:
            ordered = sorted(found, key=lambda o: (found[o], o))[:MAX_SYNONYMS]
            table[word_text] = [lemma(o) for o in ordered]
    return table


def write(path, table):
    # WordNet's licence asks for its notice and disclaimer on all copies: the table is one.
    licence = os.path.join(os.path.dirname(os.path.abspath(__file__)), "LICENSE-WordNet")
    with open(licence, encoding="utf-8") as f:
        notice = "".join(("# " + line).rstrip() + "\n" for line in f)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "#\n" + notice)
        for word in sorted(table):
            f.write(word + "\t" + "|".join(table[word]) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wordnet", help="folder with WordNet 3.0's index.*, data.* and cntlist.rev")
    parser.add_argument("out", nargs="?", help="table to write (default: only report)")
    parser.add_argument("--show", nargs="*", default=[], help="print these words' synonyms")
    args = parser.parse_args()

    started = time.monotonic()
    wn = WordNet(args.wordnet)
    main_of = main_senses(wn)
    table = synonyms(wn, main_of)
    kept = sum(len(s) for s in main_of.values())
    all_senses = sum(len(o) for o in wn.senses.values())
    pairs = sum(len(s) for s in table.values())
    print(f"{len(main_of)} words, {all_senses} senses, {kept} main senses kept; "
          f"{len(table)} words with synonyms, {pairs} synonyms "
          f"({sum(len(s) == MAX_SYNONYMS for s in table.values())} words cut to {MAX_SYNONYMS}); "
          f"{time.monotonic() - started:.1f}s", file=sys.stderr)
    for word in args.show:
        print(f"{word}: {' | '.join(table.get(word, []))}", file=sys.stderr)
    if args.out:
        write(args.out, table)


if __name__ == "__main__":
    main()
