"""Benchmark: the exact-roles score of ``infer_schema`` over the whole real corpus.

Prints, measured in one run, for every file of ``tests/infer/data/real`` (see its README and
``MANIFEST.json``) whether ``schema.to_api()`` maps exactly the expected column to each of
USER_ID, ITEM_ID and TIMESTAMP (and lists none of the columns to leave out), then:

* ``exact roles over tables: N/M``: the score;
* the same score on a uniform sample and on each file's head after sorting by user and by
  time (the invariance views of ``tests/infer/test_invariance.py``);
* files whose expected roles wait for a time format (``xfail`` in ``MANIFEST.json``).

Files that pass today must keep passing: ``tests/infer/test_real_corpus.py`` checks each one.

Run: ``.venv/bin/python benchmarks/bench_corpus_score.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "infer"))

from corpus_score import corpus_score, evaluate, load_manifest, views


def main() -> None:
    entries = load_manifest()
    start = time.perf_counter()
    exact, total = corpus_score(entries)
    seconds = time.perf_counter() - start
    print(f"scored {total} files in {seconds:.1f} s")
    for view in ("uniform", "sorted_by_user", "sorted_by_time"):
        ok = tried = excused = 0
        for entry in entries:
            frame = views(entry).get(view)
            if frame is None:
                continue  # the table has no such column to sort by
            tried += 1
            ok += evaluate(entry, frame=frame).exact
            excused += view in entry.get("invariance", {})
        note = f" ({excused} where the sample cannot tell, see MANIFEST 'invariance')"
        print(f"exact roles over tables, {view.replace('_', ' ')} view: {ok}/{tried}{note}")
    waiting = [e for e in entries if e.get("xfail")]
    for entry in waiting:
        print(f"waiting for a time format: {entry['file']}: {entry['xfail']}")
    print(f"exact roles over tables: {exact}/{total}")


if __name__ == "__main__":
    main()
