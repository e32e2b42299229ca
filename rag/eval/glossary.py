"""Plain names and one-line explanations of the evaluation's metrics, for editors reading the Evaluation page."""

from __future__ import annotations

# metric -> (plain name, what it tells)
METRICS: dict[str, tuple[str, str]] = {
    "cases": ("Questions", "how many questions were asked"),
    "hits@4": ("Fact in the top 4 passages", "share of questions with a passage holding the fact among the first 4"),
    "hits@10": ("Fact in the top 10 passages", "share of questions with a passage holding the fact among the first 10"),
    "mrr@10": ("How high the first right passage ranks", "1 when it comes first, 1/2 second, …; 0 outside the top 10"),
    "map@10": ("Right passages ranked high", "how high all the passages holding facts rank, on average"),
    "facts@10": ("Facts found", "share of the expected facts that some passage in the top 10 holds"),
    "all_facts@10": ("All facts found", "share of questions whose every expected fact is in the top 10"),
    "source_recall": ("Expected sources found", "share of the expected articles among the passages read"),
    "must_include": ("Answer holds the fact", "share of answers holding every word the case says it must"),
    "answer_f1": ("Word overlap with the reference", "how much the answer's words and the reference's agree"),
    "answer_contained": ("Reference in the answer (yes/no too)", "the same, counting yes/no references as well"),
    "reference_in_answer": ("Reference in the answer", "share of answers containing the reference answer"),
    "evidence_quoted": ("Facts quoted", "share of the expected facts that the answer quotes"),
    "all_evidence_quoted": ("All facts quoted", "share of questions whose answer quotes every expected fact"),
    "evidence_quoted_if_found": ("Fact quoted when found", "share of found facts that the answer quotes"),
    "all_evidence_quoted_if_all_found": (
        "All facts quoted when found",
        "share of questions, all of whose facts were found, whose answer quotes them all",
    ),
    "refused": ("Refused", "share of questions the archive was said not to answer"),
    "refusal_recall": ("Unanswerable refused", "share of questions the archive cannot answer that were refused"),
    "refusal_precision": ("Refusals that were right", "share of refusals given to questions the archive cannot answer"),
    "citations_valid": ("Citations valid", "share of answers whose every [n] points at a passage shown"),
    "sentences_cited": ("Sentences cited", "share of answer sentences that carry a citation"),
    "sentences_supported": ("Sentences supported", "share of answer sentences their cited passages support"),
    "case_pass": ("Questions passed", "share of questions whose every check passed"),
    "condense_ms_p50": ("Rewriting a follow-up, typical (ms)", "median time to make a follow-up stand alone"),
    "retrieval_ms_p50": ("Search, typical (ms)", "median time to read the question and find passages"),
    "retrieval_ms_p95": ("Search, slowest 5% (ms)", "95th percentile of the time to read the question and search"),
    "answer_ms_p50": ("Answer, typical (ms)", "median time to write the answer from the passages"),
    "total_ms_p50": ("Question to answer, typical (ms)", "median time from question to answer"),
    "total_ms_p95": ("Question to answer, slowest 5% (ms)", "95th percentile of the time from question to answer"),
}


def plain_name(metric: str) -> str:
    """The metric's plain name, or its own name for one not in the glossary."""
    return METRICS.get(metric, (metric, ""))[0]


def explanation(metric: str) -> str:
    """What the metric tells, in one line ("" for one not in the glossary)."""
    return METRICS.get(metric, ("", ""))[1]
