"""The Snowball English ("Porter2") stemmer, as rubricate's Rust stemmer (rust-stemmers'
English algorithm) runs it, so that the table builder can tell which word forms the stemmer
already unifies and which stems are prefixes of others. The tests of src/matching/forms.rs
check the table's entries against the Rust stemmer."""

VOWELS = frozenset("aeiouy")
DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
LI_ENDINGS = frozenset("cdeghkmnrt")

EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
    "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
    "singly": "singl", "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas",
    "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}
INVARIANT_AFTER_1A = frozenset(
    ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"]
)

STEP2 = [
    ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"),
    ("iveness", "ive"), ("tional", "tion"), ("biliti", "ble"), ("lessli", "less"),
    ("entli", "ent"), ("ation", "ate"), ("alism", "al"), ("aliti", "al"), ("ousli", "ous"),
    ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"),
    ("izer", "ize"), ("ator", "ate"), ("alli", "al"), ("bli", "ble"), ("ogi", "og"), ("li", ""),
]
STEP3 = [
    ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"),
    ("ative", ""), ("ical", "ic"), ("ness", ""), ("ful", ""),
]
STEP4 = [
    "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
    "ive", "ize", "ion", "al", "er", "ic",
]


def _is_vowel(c):
    return c in VOWELS


def _regions(w):
    def region_start(start):
        i = start
        while i < len(w) and not _is_vowel(w[i]):
            i += 1
        if i >= len(w):
            return len(w)
        while i < len(w) and _is_vowel(w[i]):
            i += 1
        if i >= len(w):
            return len(w)
        return i + 1

    for prefix in ("gener", "commun", "arsen"):
        if w.startswith(prefix):
            r1 = len(prefix)
            break
    else:
        r1 = region_start(0)
    r2 = region_start(r1)
    return r1, r2


def _short_syllable_at_end(w):
    """shortv, looking backward from the end of `w`."""
    n = len(w)
    if n >= 3 and not _is_vowel(w[-1]) and w[-1] not in "wxY" and _is_vowel(w[-2]) and not _is_vowel(w[-3]):
        return True
    return n == 2 and _is_vowel(w[0]) and not _is_vowel(w[1])


def _longest(w, suffixes):
    best = None
    for s in suffixes:
        if w.endswith(s) and (best is None or len(s) > len(best)):
            best = s
    return best


def stem(word):
    if len(word) < 3:
        return word
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    w = word
    if w.startswith("'"):
        w = w[1:]
    # prelude: initial y, and y after a vowel, are consonants
    chars = list(w)
    if chars and chars[0] == "y":
        chars[0] = "Y"
    for i in range(1, len(chars)):
        if chars[i] == "y" and _is_vowel(chars[i - 1]):
            chars[i] = "Y"
    w = "".join(chars)
    r1, r2 = _regions(w)

    # step 0
    s = _longest(w, ["'s'", "'s", "'"])
    if s:
        w = w[: -len(s)]

    # step 1a
    s = _longest(w, ["sses", "ied", "ies", "ss", "us", "s"])
    if s == "sses":
        w = w[:-2]
    elif s in ("ied", "ies"):
        w = w[:-3] + ("i" if len(w) - 3 >= 2 else "ie")
    elif s == "s":
        before = w[:-2]
        if any(_is_vowel(c) for c in before):
            w = w[:-1]
    if w in INVARIANT_AFTER_1A:
        return w.replace("Y", "y")

    # step 1b
    s = _longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"])
    if s in ("eed", "eedly"):
        if len(w) - len(s) >= r1:
            w = w[: -len(s)] + "ee"
    elif s:
        before = w[: -len(s)]
        if any(_is_vowel(c) for c in before):
            w = before
            e = _longest(w, ["at", "bl", "iz"] + list(DOUBLES))
            if e in ("at", "bl", "iz"):
                w += "e"
            elif e:
                w = w[:-1]
            elif r1 >= len(w) and _short_syllable_at_end(w):
                w += "e"

    # step 1c
    if len(w) >= 3 and w[-1] in "yY" and not _is_vowel(w[-2]):
        w = w[:-1] + "i"

    # step 2
    s = _longest(w, [a for a, _ in STEP2])
    if s and len(w) - len(s) >= r1:
        rep = dict(STEP2)[s]
        if s == "ogi":
            if w[:-3].endswith("l"):
                w = w[:-3] + rep
        elif s == "li":
            if len(w) >= 3 and w[-3] in LI_ENDINGS:
                w = w[:-2]
        else:
            w = w[: -len(s)] + rep

    # step 3
    s = _longest(w, [a for a, _ in STEP3])
    if s and len(w) - len(s) >= r1:
        if s == "ative":
            if len(w) - len(s) >= r2:
                w = w[: -len(s)]
        else:
            w = w[: -len(s)] + dict(STEP3)[s]

    # step 4
    s = _longest(w, STEP4)
    if s and len(w) - len(s) >= r2:
        if s == "ion":
            if len(w) >= 4 and w[-4] in "st":
                w = w[:-3]
        else:
            w = w[: -len(s)]

    # step 5
    if w.endswith("e"):
        at = len(w) - 1
        if at >= r2 or (at >= r1 and not _short_syllable_at_end(w[:-1])):
            w = w[:-1]
    elif w.endswith("l"):
        if len(w) - 1 >= r2 and w[:-1].endswith("l"):
            w = w[:-1]

    return w.replace("Y", "y")
