#!/usr/bin/env bash
# Accuracy benchmark: how rubricate's grades agree with human grades on two public data sets of
# real students' short answers, beside simple baselines computed here.
#
#   bash bench/accuracy.sh [--mohler-only] DATA_DIR
#
# DATA_DIR holds `powergrading-dev/` (Powergrading-1.0, five questions, three graders) and
# `mohler-2011/` (the UNT data structures answers, graded 0-5). The data are read in place and
# converted into a temporary folder that is removed at the end; nothing is copied into the
# repository. Prints figures; asserts nothing. Needs cargo and python3 (standard library).
# KEEP_TMP=1 keeps the temporary folder (submissions, rubrics, reports) and prints its path.
# --mohler-only runs the Mohler part alone (about a minute), for work on `rubricate draft`.
#
# Powergrading is graded with bench/powergrading/rubric.toml, written from the official key
# alone and held fixed. For Mohler 2011 each assignment becomes an answer key (its questions
# and reference answers) and one submission file per student; `rubricate draft --points 5`
# drafts the rubric from the key, used with no hand edits. What the figures mean:
# docs/accuracy.md.
set -euo pipefail

usage() {
  echo "usage: bash bench/accuracy.sh [--mohler-only] DATA_DIR   (DATA_DIR holds powergrading-dev/ and mohler-2011/)" >&2
  exit 2
}
MOHLER_ONLY=
if [ "${1:-}" = "--mohler-only" ]; then MOHLER_ONLY=1; shift; fi
[ "$#" -eq 1 ] || usage
[ -d "$1" ] || { echo "error: data folder \`$1\` does not exist" >&2; exit 2; }
DATA="$(cd "$1" && pwd)"

missing=()
needed=(mohler-2011/docs/files mohler-2011/raw/questions mohler-2011/raw/answers mohler-2011/scores)
[ -n "$MOHLER_ONLY" ] || needed+=(powergrading-dev/questions_answer_key.tsv powergrading-dev/studentanswers_grades.tsv)
for f in "${needed[@]}"; do
  [ -e "$DATA/$f" ] || missing+=("$DATA/$f")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "error: \`$DATA\` lacks a data set; not found:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "expected DATA_DIR/powergrading-dev/ (Powergrading-1.0) and DATA_DIR/mohler-2011/ (Mohler et al. 2011)" >&2
  exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "error: python3 is needed" >&2; exit 2; }
command -v cargo >/dev/null 2>&1 || { echo "error: cargo is needed" >&2; exit 2; }

cd "$(dirname "$0")/.."
REPO="$(pwd)"
RUBRIC="$REPO/bench/powergrading/rubric.toml"

# RUBRICATE_BIN=path runs that binary instead of building the release one.
BIN="${RUBRICATE_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --quiet --bin rubricate
  TARGET="${CARGO_TARGET_DIR:-target}"
  case "$TARGET" in /*) ;; *) TARGET="$REPO/$TARGET" ;; esac
  BIN="$TARGET/release/rubricate"
fi
[ -x "$BIN" ] || { echo "error: no binary at \`$BIN\` after the build" >&2; exit 2; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rubricate-accuracy.XXXXXX")"
trap '[ -n "${KEEP_TMP:-}" ] && echo "kept $TMP" >&2 || rm -rf "$TMP"' EXIT

# Grade, keeping going when some submissions are unreadable (exit 1: they are reported in
# grades.json and counted by the report); anything else stops the benchmark.
grade() { # rubric submissions out
  local rc=0
  "$BIN" grade --rubric "$1" --submissions "$2" --out "$3" --quiet 2>"$3.stderr" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "error: rubricate grade exited with $rc for $1" >&2
    cat "$3.stderr" >&2
    exit 2
  fi
}

# The conversions and the arithmetic, in Python's standard library.
cat >"$TMP/accuracy.py" <<'PY'
"""Converters and reports for bench/accuracy.sh (python3 standard library only)."""
import csv
import html
import json
import math
import os
import re
import sys

# ------------------------------------------------------------------------------------------
# Words: tokens, stop words, a light suffix-stripping stemmer, edit distance.

STOP = set("""
a about above after again against all also am an and any are aren as at be because been before
being below between both but by can cannot cant could couldn d did didn do does doesn doing don
dont down during each either etc even ever every few for from further get gets got had hadn has
hasn have haven having he her here hers herself him himself his how however i if in into is isn
it its itself just ll m may me might more most much must mustn my myself neither never no nor
not now o of off on once one only or other others our ours ourselves out over own re same shan
she should shouldn so some such t than that the their theirs them themselves then there these
they this those through thus to too under until up upon us ve very was wasn we well were weren
what when where whether which while who whom whose why will with within without won would
wouldn y yet you your yours yourself yourselves none nothing rather instead
""".split())

SUFFIXES = ["ational", "ization", "ations", "ation", "fulness", "iveness", "ments", "ment",
            "ness", "ings", "ing", "edly", "ied", "ies", "ed", "ly", "es", "s"]


def tokens(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def stem(word):
    """A light suffix stripper: plural, -ing, -ed, -ly, -ation, -ment, -ness; final e/y."""
    if word.isdigit() or len(word) <= 3:
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                break
            word = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                word += "i"
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def content_words(text):
    return [w for w in tokens(text) if w not in STOP and (len(w) >= 2 or w.isdigit())]


def within_one_edit(a, b):
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b)) == 1
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


# ------------------------------------------------------------------------------------------
# Statistics, as src/authoring/agreement.rs computes them.

def qwk(pairs):
    n = len(pairs)
    if n == 0:
        return None
    observed = sum((a - e) ** 2 for a, e in pairs) / n
    mean_a = sum(a for a, _ in pairs) / n
    mean_e = sum(e for _, e in pairs) / n
    sq_a = sum(a * a for a, _ in pairs) / n
    sq_e = sum(e * e for _, e in pairs) / n
    chance = sq_a - 2 * mean_a * mean_e + sq_e  # mean over all cross pairs of (a - e')^2
    return None if chance <= 1e-12 else 1 - observed / chance


def pearson(pairs):
    n = len(pairs)
    if n < 2:
        return None
    ma = sum(a for a, _ in pairs) / n
    me = sum(e for _, e in pairs) / n
    cov = sum((a - ma) * (e - me) for a, e in pairs)
    va = sum((a - ma) ** 2 for a, _ in pairs)
    ve = sum((e - me) ** 2 for _, e in pairs)
    return None if va <= 0 or ve <= 0 else cov / math.sqrt(va * ve)


def rmse(pairs):
    return math.sqrt(sum((a - e) ** 2 for a, e in pairs) / len(pairs)) if pairs else None


def exact(pairs):
    return sum(abs(a - e) < 1e-9 for a, e in pairs) / len(pairs) if pairs else None


def fmt(value, spec=".3f"):
    return "n/a" if value is None else format(value, spec)


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


# ------------------------------------------------------------------------------------------
# Powergrading

GRADERS = ["G1", "G2", "G3"]


def pg_read(data):
    with open(os.path.join(data, "studentanswers_grades.tsv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, rows = rows[0], rows[1:]
    if header[:3] != ["student", "Q#", "answer"] or header[3:6] != GRADERS:
        sys.exit(f"error: unexpected header in studentanswers_grades.tsv: {header}")
    answers = {}  # (student, question) -> (answer, {grader: score})
    for r in rows:
        if len(r) < 6:
            continue
        answers[(r[0], r[1])] = (r[2], {g: float(r[3 + i]) for i, g in enumerate(GRADERS)})
    with open(os.path.join(data, "questions_answer_key.tsv"), encoding="utf-8", newline="") as f:
        key_rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    key = {r[0]: [a for a in r[2:] if a.strip()] for r in key_rows if r}
    return answers, key


def pg_convert(data, work):
    answers, key = pg_read(data)
    questions = [q for q in key]
    students = sorted({s for s, _ in answers})
    subs = os.path.join(work, "submissions")
    os.makedirs(subs)
    for s in students:
        with open(os.path.join(subs, s + ".txt"), "w", encoding="utf-8") as f:
            for q in questions:
                if (s, q) in answers:
                    # The label and the answer on one line: an answer opening with a number
                    # ("13 colonies") is then never read as a label.
                    text = " ".join(answers[(s, q)][0].split())
                    f.write(f"Q{q}: {text}\n")
    complete = [s for s in students if all((s, q) in answers for q in questions)]
    for g in GRADERS:
        with open(os.path.join(work, g + ".csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student"] + questions + ["total"])
            for s in complete:
                scores = [answers[(s, q)][1][g] for q in questions]
                w.writerow([s] + [f"{x:g}" for x in scores] + [f"{sum(scores):g}"])
    if len(complete) < len(students):
        print(f"note: {len(students) - len(complete)} students without every question are left out of the comparison")


def key_variants(answer):
    """A key answer with its parenthesised words both kept and left out."""
    with_optional = re.sub(r"[()]", " ", answer)
    without = re.sub(r"\([^)]*\)", " ", answer)
    return [with_optional, without]


def normalise(text):
    return " ".join(tokens(text))


def baseline_exact(answer, key_answers):
    variants = {normalise(v) for a in key_answers for v in key_variants(a)}
    return 1.0 if normalise(answer) in variants else 0.0


def baseline_fuzzy(answer, key_answers):
    words = tokens(answer)
    for a in key_answers:
        needed = content_words(re.sub(r"\([^)]*\)", " ", a))
        if needed and all(any(within_one_edit(n, w) for w in words) for n in needed):
            return 1.0
    return 0.0


def parse_agree(path):
    """Per-question (n, exact share, QWK) from `rubricate agree`'s table."""
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\S+)\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%\s+([\d.]+)\s+(\S+)\s+\d+\s+\d+\s*$", line)
            if m:
                qwk_text = m.group(6)
                rows[m.group(1)] = (int(m.group(2)), float(m.group(3)) / 100,
                                    None if qwk_text == "n/a" else float(qwk_text))
    return rows


def pg_report(data, work):
    answers, key = pg_read(data)
    questions = list(key)
    agree = {g: parse_agree(os.path.join(work, f"agree-{g}.txt")) for g in GRADERS}
    for g in GRADERS:
        if set(questions) - set(agree[g]):
            sys.exit(f"error: could not read rubricate agree's table for {g}")
    by_q = {q: [(s, v) for (s, qq), v in answers.items() if qq == q] for q in questions}

    print("Rubricate (bench/powergrading/rubric.toml) against each grader, and the graders against each other")
    print("(quadratic weighted kappa; exact = share of identical 0/1 scores)")
    print()
    head = f"{'question':<9} {'n':>4} | {'QWK G1':>7} {'QWK G2':>7} {'QWK G3':>7} | {'G1-G2':>6} {'G1-G3':>6} {'G2-G3':>6} | {'exact G1':>8} {'exact G2':>8} {'exact G3':>8}"
    print(head)
    print("-" * len(head))
    cols = {k: [] for k in ["q1", "q2", "q3", "h12", "h13", "h23", "e1", "e2", "e3"]}
    for q in questions:
        grades = [v[1] for _, v in by_q[q]]
        human = {
            "h12": qwk([(g["G1"], g["G2"]) for g in grades]),
            "h13": qwk([(g["G1"], g["G3"]) for g in grades]),
            "h23": qwk([(g["G2"], g["G3"]) for g in grades]),
        }
        vals = {
            "q1": agree["G1"][q][2], "q2": agree["G2"][q][2], "q3": agree["G3"][q][2],
            **human,
            "e1": agree["G1"][q][1], "e2": agree["G2"][q][1], "e3": agree["G3"][q][1],
        }
        for k, v in vals.items():
            cols[k].append(v)
        print(f"{q:<9} {agree['G1'][q][0]:>4} | {fmt(vals['q1']):>7} {fmt(vals['q2']):>7} {fmt(vals['q3']):>7} | "
              f"{fmt(vals['h12']):>6} {fmt(vals['h13']):>6} {fmt(vals['h23']):>6} | "
              f"{fmt(vals['e1'], '.1%'):>8} {fmt(vals['e2'], '.1%'):>8} {fmt(vals['e3'], '.1%'):>8}")
    print("-" * len(head))
    m = {k: mean(v) for k, v in cols.items()}
    print(f"{'mean':<9} {'':>4} | {fmt(m['q1']):>7} {fmt(m['q2']):>7} {fmt(m['q3']):>7} | "
          f"{fmt(m['h12']):>6} {fmt(m['h13']):>6} {fmt(m['h23']):>6} | "
          f"{fmt(m['e1'], '.1%'):>8} {fmt(m['e2'], '.1%'):>8} {fmt(m['e3'], '.1%'):>8}")
    print()

    print("Baselines against G1 (the reference grader), beside rubricate")
    print("  exact: the normalised answer equals a key answer (parenthesised words optional)")
    print("  fuzzy: every content word of some key answer is within edit distance 1 of a word of the answer")
    print()
    head = f"{'question':<9} | {'rubricate QWK':>13} {'exact':>7} | {'exact QWK':>9} {'exact':>7} | {'fuzzy QWK':>9} {'fuzzy':>7}"
    print(head)
    print("-" * len(head))
    bcols = {k: [] for k in ["rq", "re", "xq", "xe", "fq", "fe"]}
    for q in questions:
        ex = [(baseline_exact(v[0], key[q]), v[1]["G1"]) for _, v in by_q[q]]
        fz = [(baseline_fuzzy(v[0], key[q]), v[1]["G1"]) for _, v in by_q[q]]
        vals = {"rq": agree["G1"][q][2], "re": agree["G1"][q][1], "xq": qwk(ex), "xe": exact(ex),
                "fq": qwk(fz), "fe": exact(fz)}
        for k, v in vals.items():
            bcols[k].append(v)
        print(f"{q:<9} | {fmt(vals['rq']):>13} {fmt(vals['re'], '.1%'):>7} | {fmt(vals['xq']):>9} "
              f"{fmt(vals['xe'], '.1%'):>7} | {fmt(vals['fq']):>9} {fmt(vals['fe'], '.1%'):>7}")
    print("-" * len(head))
    m = {k: mean(v) for k, v in bcols.items()}
    print(f"{'mean':<9} | {fmt(m['rq']):>13} {fmt(m['re'], '.1%'):>7} | {fmt(m['xq']):>9} "
          f"{fmt(m['xe'], '.1%'):>7} | {fmt(m['fq']):>9} {fmt(m['fe'], '.1%'):>7}")
    if any(v is None for vs in list(cols.values()) + list(bcols.values()) for v in vs):
        print("(n/a: kappa is undefined when one side gave every answer the same score)")
    print()

    # Why rubricate's scores differ from G1's: the outcome of the question's concepts on each
    # answer scored differently (hit, missed, hedged, negated, ...), by question; and the flags.
    with open(os.path.join(work, "out", "grades.json"), encoding="utf-8") as f:
        report = json.load(f)
    sides = {"under": {}, "over": {}}
    flags, graded, not_graded = {}, 0, 0
    for student in report.get("students", []):
        if student.get("status") != "graded":
            not_graded += 1
        for qg in student.get("questions", []):
            s, q = student.get("student"), qg.get("id")
            if (s, q) not in answers:
                continue
            graded += 1
            for flag in qg.get("flags", []):
                name = flag.get("flag", "?") if isinstance(flag, dict) else str(flag)
                flags[name] = flags.get(name, 0) + 1
            g1 = answers[(s, q)][1]["G1"]
            score = float(qg.get("score", 0))
            if abs(score - g1) < 1e-9:
                continue
            outcomes = sorted({c.get("outcome", "?") for c in qg.get("concepts", [])}) or ["no concept"]
            side = sides["under" if score < g1 else "over"]
            reason = side.setdefault("/".join(outcomes), {})
            reason[q] = reason.get(q, 0) + 1
    print("Answers where rubricate and G1 differ, by the concepts' outcome (per question in brackets):")
    for label, key_ in (("rubricate 0, G1 1", "under"), ("rubricate 1, G1 0", "over")):
        parts = []
        for reason, per_q in sorted(sides[key_].items(), key=lambda kv: -sum(kv[1].values())):
            detail = ", ".join(f"Q{q} {n}" for q, n in sorted(per_q.items(), key=lambda kv: questions.index(kv[0])))
            parts.append(f"{reason} {sum(per_q.values())} ({detail})")
        print(f"  {label}: {'; '.join(parts) or 'none'}")
    print(f"Flags on all {graded} answers: "
          + (", ".join(f"{k} {v}" for k, v in sorted(flags.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"))
    if not_graded:
        print(f"Submissions not graded: {not_graded}")


# ------------------------------------------------------------------------------------------
# Mohler 2011

def mohler_lines(path):
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        return [line.rstrip("\r\n") for line in f]


def clean(text):
    """Raw answer text: HTML line breaks and entities to plain text, on one line."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = html.unescape(text)
    if "\u00e2\u20ac" in text:  # UTF-8 read as Windows-1252 ("it\u00e2\u20ac\u2122s"): undo it
        try:
            text = text.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return " ".join(text.split())


def by_id(path):
    """`x.y text` lines (raw/questions, raw/answers) -> {x.y: text}."""
    out = {}
    for line in mohler_lines(path):
        m = re.match(r"^(\d+\.\d+)\s+(.*)$", line)
        if m:
            out[m.group(1)] = clean(m.group(2))
    return out


def mohler_questions(data):
    """The short-answer questions (lines of docs/files without `#`), by assignment."""
    kept, dropped = {}, []
    for line in mohler_lines(os.path.join(data, "docs", "files")):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            dropped.append(line.lstrip("#").strip())
            continue
        a, y = line.split(".")
        kept.setdefault(int(a), []).append(int(y))
    return kept, dropped


def mohler_answers(data, qid):
    out = []
    for line in mohler_lines(os.path.join(data, "raw", qid)):
        m = re.match(r"^(\d+\.\d+)\s?(.*)$", line)
        if m:
            out.append(clean(m.group(2)))
    return out


def mohler_scores(data, qid, who):
    path = os.path.join(data, "scores", qid, who)
    if not os.path.exists(path):
        return None
    return [float(x) for x in mohler_lines(path) if x.strip()]


def mohler_convert(data, work):
    """Per assignment: key.md (each question's prompt and reference answer, 5 points) and one
    submission file per student (`Q<y>: answer`, one line per question)."""
    questions, dropped = mohler_questions(data)
    prompts = by_id(os.path.join(data, "raw", "questions"))
    references = by_id(os.path.join(data, "raw", "answers"))
    for a, ys in sorted(questions.items()):
        folder = os.path.join(work, str(a))
        subs = os.path.join(folder, "submissions")
        os.makedirs(subs)
        key = [f"# Mohler 2011, assignment {a}: answer key", ""]
        answers_by_student = {}
        for y in ys:
            qid = f"{a}.{y}"
            key += [f"## {y}", f"Question: {prompts.get(qid, '')}",
                    f"Answer: {references.get(qid, '')}", ""]
            for z, text in enumerate(mohler_answers(data, qid)):
                answers_by_student.setdefault(z, []).append((y, text))
        with open(os.path.join(folder, "key.md"), "w", encoding="utf-8") as f:
            f.write("\n".join(key))
        for z, items in answers_by_student.items():
            with open(os.path.join(subs, f"s{z:02d}.txt"), "w", encoding="utf-8") as f:
                for y, text in items:
                    # The label and the answer on one line: an answer opening with a number
                    # is then never read as a label.
                    f.write(f"Q{y}: {text}\n")
    with open(os.path.join(work, "dropped.txt"), "w", encoding="utf-8") as f:
        f.write(" ".join(dropped))


def overlap(answer, reference):
    ref = {stem(w) for w in content_words(reference)}
    if not ref:
        return 0.0
    got = {stem(w) for w in content_words(answer)}
    return 5.0 * len(ref & got) / len(ref)


def tfidf_cosines(texts, reference):
    """Cosine of each text's tf-idf vector (content-word stems) with the reference's; document
    frequencies over the question's answers and its reference."""
    docs = [[stem(w) for w in content_words(t)] for t in texts]
    ref = [stem(w) for w in content_words(reference)]
    n = len(docs) + 1
    df = {}
    for d in docs + [ref]:
        for w in set(d):
            df[w] = df.get(w, 0) + 1

    def vector(words):
        v = {}
        for w in words:
            v[w] = v.get(w, 0) + 1
        return {w: c * math.log((1 + n) / (1 + df[w])) + c for w, c in v.items()}

    rv = vector(ref)
    rn = math.sqrt(sum(x * x for x in rv.values()))
    out = []
    for d in docs:
        dv = vector(d)
        dn = math.sqrt(sum(x * x for x in dv.values()))
        dot = sum(x * rv.get(w, 0.0) for w, x in dv.items())
        out.append(dot / (dn * rn) if dn > 0 and rn > 0 else 0.0)
    return out


def mohler_report(data, work):
    questions, dropped = mohler_questions(data)
    references = by_id(os.path.join(data, "raw", "answers"))
    print("Mohler 2011: Pearson r and RMSE (0-5 points) against the graders' average (scores/x.y/ave)")
    print("  rubricate: `rubricate draft --points 5` from each assignment's key (its reference answers), no edits")
    print("  attempts:  the same with `--credit-attempts` (an answer with none of the key's ideas earns 40%,")
    print("             60% on the question's topic; a non-answer nothing)")
    print("  overlap:   share of the reference's content-word stems present in the answer, times 5")
    print("  tf-idf:    cosine of the answer's and the reference's tf-idf vectors (content-word stems,")
    print("             idf over the question's answers), times 5")
    print("  humans:    the two graders against each other (scores/x.y/me and other, exams halved to 0-5)")
    print(f"  left out (# in docs/files): {' '.join(dropped) or 'none'}")
    print()
    head = (f"{'assignment':<10} {'questions':>9} {'answers':>7} | {'rubricate r':>11} {'RMSE':>5} {'mean':>5} | "
            f"{'attempts r':>10} {'RMSE':>5} {'mean':>5} | "
            f"{'overlap r':>9} {'RMSE':>5} | {'tf-idf r':>8} {'RMSE':>5} | {'humans r':>8} {'RMSE':>5} | {'human mean':>10}")
    print(head)
    print("-" * len(head))
    pooled = {k: [] for k in ("r", "a", "o", "t", "h")}
    for a, ys in sorted(questions.items()):
        with open(os.path.join(work, str(a), "out", "grades.csv"), encoding="utf-8", newline="") as f:
            rows = {r["student"]: r for r in csv.DictReader(f)}
        with open(os.path.join(work, str(a), "out-attempts", "grades.csv"), encoding="utf-8", newline="") as f:
            attempt_rows = {r["student"]: r for r in csv.DictReader(f)}
        got = {k: [] for k in pooled}
        for y in ys:
            qid = f"{a}.{y}"
            ave = mohler_scores(data, qid, "ave")
            me, other = mohler_scores(data, qid, "me"), mohler_scores(data, qid, "other")
            scale = 2.0 if a >= 11 else 1.0  # exams were graded 0-10
            texts = mohler_answers(data, qid)[:len(ave)]
            cosines = tfidf_cosines(texts, references.get(qid, ""))
            for z, text in enumerate(texts):
                row = rows.get(f"s{z:02d}")
                score = float(row[str(y)]) if row else 0.0
                got["r"].append((score, ave[z]))
                row = attempt_rows.get(f"s{z:02d}")
                got["a"].append((float(row[str(y)]) if row else 0.0, ave[z]))
                got["o"].append((overlap(text, references.get(qid, "")), ave[z]))
                got["t"].append((5.0 * cosines[z], ave[z]))
                if me and other and z < len(me) and z < len(other):
                    got["h"].append((me[z] / scale, other[z] / scale))
        for k in pooled:
            pooled[k] += got[k]
        print(f"{a:<10} {len(ys):>9} {len(got['r']):>7} | " + row_figures(got))
    print("-" * len(head))
    nq = sum(len(ys) for ys in questions.values())
    print(f"{'all':<10} {nq:>9} {len(pooled['r']):>7} | " + row_figures(pooled))


def row_figures(got):
    mean_r = mean([a for a, _ in got["r"]])
    mean_a = mean([a for a, _ in got["a"]])
    mean_h = mean([e for _, e in got["r"]])
    return (f"{fmt(pearson(got['r'])):>11} {fmt(rmse(got['r']), '.2f'):>5} {fmt(mean_r, '.2f'):>5} | "
            f"{fmt(pearson(got['a'])):>10} {fmt(rmse(got['a']), '.2f'):>5} {fmt(mean_a, '.2f'):>5} | "
            f"{fmt(pearson(got['o'])):>9} {fmt(rmse(got['o']), '.2f'):>5} | "
            f"{fmt(pearson(got['t'])):>8} {fmt(rmse(got['t']), '.2f'):>5} | "
            f"{fmt(pearson(got['h'])):>8} {fmt(rmse(got['h']), '.2f'):>5} | {fmt(mean_h, '.2f'):>10}")


# ------------------------------------------------------------------------------------------
# A simulated TA on Powergrading's answer groups (the review workflow of groups.csv).

TA_LOOKS = [5, 10, 20]


def pg_groups(out):
    """(question, group) -> [student ids], from a run's grades.json."""
    with open(os.path.join(out, "grades.json"), encoding="utf-8") as f:
        report = json.load(f)
    members = {}
    for s in report["students"]:
        for q in s["questions"]:
            if q.get("group"):
                members.setdefault((q["id"], q["group"]), []).append(s["student"])
    return members


def pg_decide(data, work):
    """For each K, decisions-K.csv: the first K groups of each question in groups.csv's order,
    each decided at the reference grader's (G1) score where at least 90% of its members got
    that score from G1; an incoherent group is skipped but still counts as one of the K."""
    answers, _ = pg_read(data)
    out = os.path.join(work, "out")
    members = pg_groups(out)
    with open(os.path.join(out, "groups.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    review = {}
    for r in rows:
        review.setdefault(r["question"], []).append(r["group"])
    # The baseline order: the largest groups first.
    by_size = {q: sorted(gs, key=lambda g: (-len(members.get((q, g), [])), g)) for q, gs in review.items()}
    for name, order in (("review", review), ("size", by_size)):
        pg_decide_in(answers, members, order, work, name)


def pg_decide_in(answers, members, order, work, name):
    for k in TA_LOOKS:
        covered = 0
        with open(os.path.join(work, f"decisions-{name}-{k}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["question", "group", "points", "comment"])
            for q, groups in order.items():
                for g in groups[:k]:
                    scores = [answers[(s, q)][1]["G1"] for s in members.get((q, g), []) if (s, q) in answers]
                    if not scores:
                        continue
                    best = max(set(scores), key=lambda v: (scores.count(v), -v))
                    if scores.count(best) >= 0.9 * len(scores):
                        w.writerow([q, g, f"{best:g}", "simulated TA"])
                        covered += len(scores)
        with open(os.path.join(work, f"covered-{name}-{k}.txt"), "w", encoding="utf-8") as f:
            f.write(f"{covered}\n")


def pg_ta_report(data, work):
    answers, key = pg_read(data)
    questions = list(key)
    runs = [("", 0, os.path.join(work, "agree-G1.txt"), 0)]
    for name in ("review", "size"):
        for k in TA_LOOKS:
            with open(os.path.join(work, f"covered-{name}-{k}.txt"), encoding="utf-8") as f:
                covered = int(f.read())
            runs.append((name, k, os.path.join(work, f"agree-G1-{name}-{k}.txt"), covered))
    print("Simulated TA: the first K groups of each question, each decided at G1's score when at")
    print("least 90% of its members got that score (else skipped, still counted as looked at),")
    print("regraded with --decisions; QWK against G1, and the share of answers the decisions cover.")
    print("order: review = groups.csv's order; size = largest groups first (a baseline)")
    print()
    print(f"{'order':<7}{'K':>3} | " + " ".join(f"{q:>7}" for q in questions) + " |    mean | covered")
    print("-" * (23 + 8 * len(questions) + 10))
    total = len(answers)
    for name, k, path, covered in runs:
        agree = parse_agree(path)
        values = [agree[q][2] for q in questions]
        print(f"{name:<7}{k:>3} | " + " ".join(f"{fmt(v):>7}" for v in values)
              + f" | {fmt(mean(values)):>7} | {covered / total:6.1%}")


if __name__ == "__main__":
    command, data, work = sys.argv[1:4]
    {"pg-convert": pg_convert, "pg-report": pg_report, "pg-decide": pg_decide,
     "pg-ta-report": pg_ta_report,
     "mohler-convert": mohler_convert, "mohler-report": mohler_report}[command](data, work)
PY

py() { python3 "$TMP/accuracy.py" "$@"; }

echo "rubricate accuracy benchmark: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'unknown commit'), data in $DATA"
echo

# --- Powergrading ------------------------------------------------------------------------
if [ -z "$MOHLER_ONLY" ]; then
PG="$TMP/powergrading"
mkdir -p "$PG"
py pg-convert "$DATA/powergrading-dev" "$PG"
grade "$RUBRIC" "$PG/submissions" "$PG/out"
for g in G1 G2 G3; do
  "$BIN" agree --expected "$PG/$g.csv" "$PG/out/grades.csv" >"$PG/agree-$g.txt"
done
echo "== Powergrading-1.0, questions 2, 4, 7, 8, 20 ($(find "$PG/submissions" -type f | wc -l | tr -d ' ') students) =="
echo
py pg-report "$DATA/powergrading-dev" "$PG"
echo

# A simulated TA deciding answer groups, then a regrade with the decisions.
py pg-decide "$DATA/powergrading-dev" "$PG"
for order in review size; do
  for k in 5 10 20; do
    run="$PG/out-$order-$k"
    rc=0
    "$BIN" grade --rubric "$RUBRIC" --submissions "$PG/submissions" --out "$run" --quiet \
      --decisions "$PG/decisions-$order-$k.csv" --previous "$PG/out/grades.json" 2>"$run.stderr" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
      echo "error: rubricate grade --decisions exited with $rc" >&2; cat "$run.stderr" >&2; exit 2
    fi
    "$BIN" agree --expected "$PG/G1.csv" "$run/grades.csv" >"$PG/agree-G1-$order-$k.txt"
  done
done
echo "== Powergrading-1.0: answer groups and a simulated TA =="
echo
py pg-ta-report "$DATA/powergrading-dev" "$PG"
echo
fi

# --- Mohler 2011 -------------------------------------------------------------------------
MO="$TMP/mohler"
mkdir -p "$MO"
py mohler-convert "$DATA/mohler-2011" "$MO"
# Draft `key.md` in `dir` with `draft` options and grade with it: rubric$suffix.toml, out$suffix/.
draft_and_grade() { # dir suffix [draft options...]
  local dir="$1" suffix="$2"
  shift 2
  "$BIN" draft "$dir/key.md" --points 5 "$@" -o "$dir/rubric$suffix.toml" 2>"$dir/draft$suffix.stderr" \
    || { echo "error: rubricate draft $* failed for $dir/key.md" >&2; cat "$dir/draft$suffix.stderr" >&2; exit 2; }
  grade "$dir/rubric$suffix.toml" "$dir/submissions" "$dir/out$suffix"
}
for dir in "$MO"/*/; do
  dir="${dir%/}"
  # The drafted rubric as is: no hand edits; and the same drafted for graders who credit
  # attempts.
  draft_and_grade "$dir" ""
  draft_and_grade "$dir" -attempts --credit-attempts
done
echo "== Mohler et al. 2011, data structures course =="
echo
py mohler-report "$DATA/mohler-2011" "$MO"
