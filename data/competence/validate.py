#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Checks a competence catalogue file and a training catalogue file against
the formats the server imports and the self-check pages read.

Usage: validate.py [CATALOGUE.json [TRAINING.json]]
Defaults: digcomp-de.json next to this script, ../training/default-de.json.
Prints every problem found and exits 1 if there is any."""

import datetime
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DIGCOMP_CODES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6",
                 "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "4.4",
                 "5.1", "5.2", "5.3", "5.4"]
KINDS = {"self", "single", "multiple"}
TRAINING_KINDS = {"literature", "course", "tutorial", "elearning"}
MIN_QUESTIONS = 3
MIN_MOBILE_ITEMS = 6

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def nonempty_str(value):
    return isinstance(value, str) and value.strip() != ""


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def check_date(where, value):
    if value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        problem(where, f"date {value!r} is not YYYY-MM-DD")
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problem(where, f"date {value!r} does not exist")
        return None


def check_training(items):
    ids = {}
    if not isinstance(items, list) or not items:
        problem("training", "must be a non-empty JSON array")
        return ids
    mobile = 0
    for n, item in enumerate(items):
        where = f"training[{n}]"
        if not isinstance(item, dict):
            problem(where, "is not an object")
            continue
        expected = {"id", "title", "kind", "competences", "level", "provider", "url",
                    "starts", "ends", "track", "description"}
        if set(item) != expected:
            problem(where, f"members {sorted(set(item) ^ expected)} missing or unknown")
        tid = item.get("id")
        if not nonempty_str(tid) or not re.fullmatch(r"training\.[a-z0-9.-]+", tid):
            problem(where, f"id {tid!r} is not like training.area.name")
        elif tid in ids:
            problem(where, f"duplicate id {tid}")
        else:
            ids[tid] = item
            where = tid
        for key in ("title", "provider", "description"):
            if not nonempty_str(item.get(key)):
                problem(where, f"{key} is empty")
        if item.get("kind") not in TRAINING_KINDS:
            problem(where, f"kind {item.get('kind')!r} is not one of {sorted(TRAINING_KINDS)}")
        comps = item.get("competences")
        if not isinstance(comps, list) or not comps or not all(nonempty_str(c) for c in comps):
            problem(where, "competences must be a non-empty list of codes")
        if not is_int(item.get("level")) or not 1 <= item["level"] <= 5:
            problem(where, f"level {item.get('level')!r} is not an integer 1..5")
        url = item.get("url")
        if not isinstance(url, str) or (url and not re.fullmatch(r"https://[^\s\"<>]+", url)):
            problem(where, f"url {url!r} must be empty or an https address")
        starts = check_date(where, item.get("starts"))
        ends = check_date(where, item.get("ends"))
        if item.get("kind") == "course" and (starts is None or ends is None):
            problem(where, "a course needs start and end dates")
        if starts and ends and ends < starts:
            problem(where, "ends before it starts")
        if not isinstance(item.get("track"), str):
            problem(where, "track must be a string")
        elif item["track"] == "mobile-app":
            mobile += 1
    if mobile < MIN_MOBILE_ITEMS:
        problem("training", f"the mobile-app track has {mobile} items, needs at least {MIN_MOBILE_ITEMS}")
    return ids


def check_question(where, q, code, index, seen_ids):
    if not isinstance(q, dict):
        problem(where, "question is not an object")
        return None
    qid = q.get("id")
    if qid != f"q-{code}-{index}":
        problem(where, f"question id {qid!r} should be q-{code}-{index}")
    if qid in seen_ids:
        problem(where, f"duplicate id {qid}")
    seen_ids.add(qid)
    where = str(qid)
    kind = q.get("kind")
    if kind not in KINDS:
        problem(where, f"kind {kind!r} is not one of {sorted(KINDS)}")
    if not nonempty_str(q.get("text")):
        problem(where, "text is empty")
    options = q.get("options")
    if not isinstance(options, list) or len(options) < 2:
        problem(where, "needs at least 2 options")
        return kind
    labels = set()
    for n, o in enumerate(options):
        owhere = f"{where} option {n}"
        if not isinstance(o, dict):
            problem(owhere, "is not an object")
            continue
        oid = o.get("id")
        if oid != f"o-{code}-{index}-{chr(ord('a') + n)}":
            problem(owhere, f"option id {oid!r} should be o-{code}-{index}-{chr(ord('a') + n)}")
        if oid in seen_ids:
            problem(owhere, f"duplicate id {oid}")
        seen_ids.add(oid)
        if not nonempty_str(o.get("label")):
            problem(owhere, "label is empty")
        elif o["label"] in labels:
            problem(owhere, f"label {o['label']!r} appears twice")
        else:
            labels.add(o["label"])
        if not is_int(o.get("points")) or not 0 <= o["points"] <= 4:
            problem(owhere, f"points {o.get('points')!r} is not an integer 0..4")
        if not isinstance(o.get("correct"), bool):
            problem(owhere, "correct must be true or false")
    valid = [o for o in options if isinstance(o, dict) and is_int(o.get("points"))]
    if not valid or max(o["points"] for o in valid) == 0:
        problem(where, "no option scores any points")
    if kind == "single":
        correct = [o for o in valid if o.get("correct") is True]
        if len(correct) != 1:
            problem(where, f"a single-choice question needs exactly one correct option, has {len(correct)}")
        elif correct[0]["points"] != max(o["points"] for o in valid):
            problem(where, "the correct option must score the most points")
    elif kind == "multiple":
        if not any(o.get("correct") is True for o in valid):
            problem(where, "a multiple-choice question needs at least one correct option")
    elif kind == "self":
        points = [o["points"] for o in valid]
        if points != sorted(points):
            problem(where, "self-rating options must go up the scale")
    return kind


def check_catalogue(cat, training_ids):
    if not isinstance(cat, dict):
        problem("catalogue", "is not a JSON object")
        return
    if not nonempty_str(cat.get("id")) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", cat["id"]):
        problem("catalogue", f"id {cat.get('id')!r} is not a lower-case key")
    if not is_int(cat.get("version")) or cat["version"] < 1:
        problem("catalogue", "version must be an integer >= 1")
    for key in ("title", "description"):
        if not nonempty_str(cat.get(key)):
            problem("catalogue", f"{key} is empty")
    if cat.get("status") not in ("draft", "published"):
        problem("catalogue", f"status {cat.get('status')!r} is not draft or published")
    levels = cat.get("levels")
    if not isinstance(levels, list) or len(levels) != 5 or not all(nonempty_str(l) for l in levels):
        problem("catalogue", "levels must be 5 labels")
    areas = cat.get("areas")
    if not isinstance(areas, list) or not areas:
        problem("catalogue", "areas must be a non-empty list")
        return
    codes = []
    area_codes = set()
    seen_ids = set()
    for area in areas:
        acode = area.get("code") if isinstance(area, dict) else None
        where = f"area {acode}"
        if not nonempty_str(acode) or not re.fullmatch(r"\d+", acode):
            problem(where, "code must be a number")
            continue
        if acode in area_codes:
            problem(where, "duplicate area code")
        area_codes.add(acode)
        if not nonempty_str(area.get("title")):
            problem(where, "title is empty")
        comps = area.get("competences")
        if not isinstance(comps, list) or not comps:
            problem(where, "has no competences")
            continue
        for comp in comps:
            code = comp.get("code") if isinstance(comp, dict) else None
            if not nonempty_str(code) or not re.fullmatch(re.escape(acode) + r"\.\d+", code):
                problem(where, f"competence code {code!r} does not belong to area {acode}")
                continue
            if code in codes:
                problem(code, "duplicate competence code")
            codes.append(code)
            for key in ("title", "description"):
                if not nonempty_str(comp.get(key)):
                    problem(code, f"{key} is empty")
            questions = comp.get("questions")
            if not isinstance(questions, list) or len(questions) < MIN_QUESTIONS:
                problem(code, f"needs at least {MIN_QUESTIONS} questions")
                questions = questions if isinstance(questions, list) else []
            kinds = {check_question(code, q, code, i + 1, seen_ids) for i, q in enumerate(questions)}
            if "self" not in kinds or not kinds & {"single", "multiple"}:
                problem(code, "needs a self-rating and a knowledge question (single or multiple)")
            recs = comp.get("recommendations")
            if not isinstance(recs, list):
                problem(code, "recommendations must be a list")
                continue
            covered = set()
            for r in recs:
                lo, hi = r.get("min_level"), r.get("max_level")
                if not (is_int(lo) and is_int(hi) and 1 <= lo <= hi <= 5):
                    problem(code, f"recommendation level range {lo!r}..{hi!r} is not within 1..5")
                    continue
                covered.update(range(lo, hi + 1))
                tid = r.get("training")
                if tid not in training_ids:
                    problem(code, f"recommendation refers to unknown training item {tid!r}")
                elif code not in training_ids[tid].get("competences", []):
                    problem(code, f"training item {tid} does not list competence {code}")
                if not isinstance(r.get("note"), str):
                    problem(code, "recommendation note must be a string")
            missing = [lvl for lvl in (1, 2, 3) if lvl not in covered]
            if missing:
                problem(code, f"no recommendation for level(s) {missing}")
    for code in DIGCOMP_CODES:
        if code not in codes:
            problem("catalogue", f"DigComp competence {code} is missing")
    extra = [c for c in codes if c not in DIGCOMP_CODES]
    if not extra:
        problem("catalogue", "the process-analysis area is missing")
    for tid, item in training_ids.items():
        for c in item.get("competences", []):
            if c not in codes:
                problem(tid, f"unknown competence code {c!r}")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as err:
        problem(path, f"cannot read JSON: {err}")
        return None


def main(argv):
    cat_path = argv[1] if len(argv) > 1 else os.path.join(HERE, "digcomp-de.json")
    training_path = argv[2] if len(argv) > 2 else os.path.join(HERE, "..", "training", "default-de.json")
    cat = load(cat_path)
    items = load(training_path)
    if cat is not None and items is not None:
        check_catalogue(cat, check_training(items))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    comps = sum(len(a["competences"]) for a in cat["areas"])
    questions = sum(len(c["questions"]) for a in cat["areas"] for c in a["competences"])
    print(f"ok: {comps} competences, {questions} questions, {len(items)} training items")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
