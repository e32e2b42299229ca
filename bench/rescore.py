"""Re-score an existing report.json with the current metric definitions (no retrieval, no answering), so that an
older run can be compared on metrics added since:

    uv run python bench/rescore.py eval-runs/old/report.json ../shared/data/multihop-rag/queries-dev.json
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from rag.eval.cases import load_cases
from rag.eval.metrics import case_metrics
from rag.models import Answer, Citation, Passage

SHOWN = [
    "hits@10",
    "mrr@10",
    "facts@10",
    "all_facts@10",
    "reference_in_answer",
    "evidence_quoted_if_found",
    "all_evidence_quoted_if_all_found",
    "evidence_quoted",
    "sentences_supported",
    "sentences_cited",
    "refused",
]


def passage(data: dict[str, object], n: int) -> Passage:
    return Passage(
        chunk_id=f"p{n}",
        text=str(data["text"]),
        article_id=str(data["article_id"]),
        title=str(data.get("title", "")),
        outlet=str(data.get("outlet", "")),
        published_at=str(data.get("published_at", "")),
        url=str(data.get("url", "")),
    )


def main() -> None:
    report = json.loads(Path(sys.argv[1]).read_text())
    cases = {c.id: c for c in load_cases(sys.argv[2])}
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for result in report["cases"]:
        case = cases[result["id"]]
        passages = [passage(p, i) for i, p in enumerate(result["passages"])]
        citations = [
            Citation(n=c["n"], passage=passage(c, 100 + c["n"]), quote=c["quote"]) for c in result["citations"]
        ]
        answer = Answer(text=result["answer"], refused=bool(result["refused"]), citations=citations, passages=passages)
        metrics = case_metrics(case, answer, passages)
        for group in ("all", case.type):
            for name in SHOWN:
                if metrics.get(name) is not None:
                    sums[group][name].append(float(metrics[name]))  # type: ignore[arg-type]
    print(f"{'group':<12}" + "".join(f"{n[:22]:>24}" for n in SHOWN))
    for group, values in sums.items():
        cells = [f"{sum(v) / len(v):.3f} ({len(v)})" if (v := values.get(n)) else "–" for n in SHOWN]
        print(f"{group:<12}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
