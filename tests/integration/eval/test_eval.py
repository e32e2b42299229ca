"""`newsroom eval`: the seed regression set, metrics definitions, case formats, reports and the compare gate."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEED_CASES, make_engine

from rag.answer.base import Turn
from rag.archive.knowledge import Archive
from rag.cli import cli
from rag.config import Settings
from rag.engine.core import ChatEngine
from rag.errors import LoadError
from rag.eval.cases import EvalCase, load_cases
from rag.eval.metrics import citation_validity, retrieval_metrics, token_f1
from rag.eval.records import EvalReport
from rag.eval.report import compare, write_report
from rag.eval.run import run_eval
from rag.models import Answer, Passage


def passage(text: str, article: str = "a") -> Passage:
    return Passage(chunk_id=text[:10], text=text, article_id=article, title="t")


def test_seed_regression_set_passes_every_case(seed_archive: Archive, settings: Settings) -> None:
    cases = load_cases(SEED_CASES)
    assert len(cases) >= 15
    assert {c.expect for c in cases} == {"answer", "refuse"}
    assert any("boilerplate" in c.tags for c in cases)
    report = run_eval(make_engine(settings, seed_archive), cases, k=8)
    failures = [(c.id, c.answer[:120], c.error) for c in report.failed()]
    assert not failures
    overall = report.overall
    assert overall["must_include"] == 1.0 and overall["refusal_recall"] == 1.0 and overall["refusal_precision"] == 1.0
    assert overall["sentences_cited"] == 1.0 and overall["citations_valid"] == 1.0


def test_multihop_official_metrics_definitions() -> None:
    facts = ["Fact one is here.", "Fact two\nis there."]
    ranked = [
        passage("nothing"),
        passage("x Fact  one is here. y"),
        passage("nothing 2"),
        passage("Facttwo is there. and Fact one is here."),
    ]
    m = retrieval_metrics(ranked, facts)
    assert m["hits@4"] == 1.0 and m["hits@10"] == 1.0
    assert m["mrr@10"] == pytest.approx(0.5)
    assert m["map@10"] == pytest.approx((1 / 2 + 1 / 4) / 2)
    assert m["facts@10"] == 1.0 and m["all_facts@10"] == 1.0
    assert retrieval_metrics([passage("no")] * 12, facts) == {
        "hits@4": 0.0,
        "hits@10": 0.0,
        "mrr@10": 0.0,
        "map@10": 0.0,
        "facts@10": 0.0,
        "all_facts@10": 0.0,
    }
    late = [passage("no")] * 5 + [passage("Fact one is here.")]
    assert retrieval_metrics(late, facts)["hits@4"] == 0.0 and retrieval_metrics(late, facts)["hits@10"] == 1.0
    assert retrieval_metrics(late, facts)["facts@10"] == 0.5 and retrieval_metrics(late, facts)["all_facts@10"] == 0.0
    beyond = [passage("no")] * 10 + [passage("Facttwo is there.")]  # the 11th passage does not count
    assert retrieval_metrics(ranked[:2] + beyond, facts)["facts@10"] == 0.5


def test_answer_and_citation_metrics() -> None:
    assert token_f1("The answer is Sam Altman [1].", "Sam Altman") == pytest.approx(
        2 * 0.5 * 1 / (0.5 + 1)
    )  # 4 tokens after normalisation
    assert token_f1("", "x") == 0.0
    assert citation_validity("a [1] b [2, 7]", shown=3) == pytest.approx(2 / 3)
    assert citation_validity("no citations", shown=3) is None


def test_multihop_format_is_recognised(tmp_path: Path) -> None:
    data = [
        {
            "query": "Q1?",
            "answer": "Yes",
            "question_type": "comparison_query",
            "evidence_list": [{"title": "T", "url": "https://x/1", "fact": "F1."}],
        },
        {"query": "Q2?", "answer": "Insufficient information.", "question_type": "null_query", "evidence_list": []},
    ]
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(data))
    cases = load_cases(path)
    assert [(c.type, c.expect, c.evidence) for c in cases] == [
        ("comparison", "answer", ["F1."]),
        ("null", "refuse", []),
    ]


def test_yaml_cases_and_bad_case_files(tmp_path: Path) -> None:
    good = tmp_path / "cases.yaml"
    good.write_text("cases:\n  - question: Who?\n    expect: refuse\n    tags: [x]\n")
    assert load_cases(good)[0].expect == "refuse"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "ok"}\n{"expect": "answer"}\n')
    with pytest.raises(LoadError) as info:
        load_cases(bad)
    assert str(info.value) == f"{bad} case 2: a case needs a non-empty 'question'"
    assert info.value.where == f"{bad} case 2"
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(LoadError, match="nested too deeply"):
        load_cases(deep)


def test_a_failing_case_is_recorded_and_the_run_goes_on(seed_archive: Archive, settings: Settings) -> None:
    cases = [
        EvalCase(id="bad", question="Drones?", since="not a date"),
        EvalCase(id="good", question="How many drones did Sergei Shoigu say Ukraine used?", must_include=["eight"]),
    ]
    report = run_eval(make_engine(settings, seed_archive), cases, k=5)
    bad, good = report.cases
    assert "not a date" in bad.error and bad.metrics["case_pass"] == 0.0
    assert good.metrics["case_pass"] == 1.0 and good.passages[0]["article_id"] and good.failures == []
    assert report.overall["failed_to_run"] == 1


class ExplodingAnswerer:
    """An answerer with a bug: any exception type, not only Newsroom's own errors."""

    mode = "quote"

    def stream(self, question: str, passages: list[Passage], focus: str | None = None) -> Iterator[str | Answer]:
        if "boom" in question:
            raise KeyError("a bug in the answerer")
        answer = Answer(text=f"{passages[0].sentence_texts()[0]} [1]", refused=False, passages=passages)
        yield answer.text
        yield answer

    def condense(self, question: str, history: Sequence[Turn]) -> str:
        return question


def test_any_exception_of_one_case_is_recorded_and_the_run_goes_on(seed_archive: Archive, settings: Settings) -> None:
    engine = ChatEngine(settings, seed_archive, ExplodingAnswerer())
    cases = [
        EvalCase(id="boom", question="boom: drones over Moscow?"),
        EvalCase(id="ok", question="Drones over Moscow?"),
    ]
    report = run_eval(engine, cases, k=3)
    boom, ok = report.cases
    assert boom.error.startswith("KeyError") and boom.failures and not boom.passed
    assert ok.error == "" and ok.refused is False and ok.metrics["refused"] == 0.0
    assert report.overall["cases"] == 2 and report.overall["failed_to_run"] == 1


def test_reports_charts_and_compare_gate(seed_archive: Archive, settings: Settings, tmp_path: Path) -> None:
    report = run_eval(make_engine(settings, seed_archive), load_cases(SEED_CASES)[:4], k=5)
    files = write_report(report, tmp_path / "a")
    assert all(f.exists() and f.stat().st_size > 0 for f in files)
    assert (tmp_path / "a" / "metrics_by_type.png").read_bytes()[:4] == b"\x89PNG"
    saved = json.loads((tmp_path / "a" / "report.json").read_text())
    assert EvalReport.from_json(saved) == report  # report.json reads back into the same typed records
    case = saved["cases"][0]
    assert {"question", "answer", "refused", "citations", "passages", "metrics", "timings"} <= case.keys()
    assert {"text", "score", "article_id", "title", "outlet", "published_at", "url"} <= case["passages"][0].keys()
    assert "| all |" in (tmp_path / "a" / "report.md").read_text()
    wrong = run_eval(
        make_engine(settings, seed_archive),
        [
            EvalCase(
                id="w",
                question="Who is the mayor of Moscow?",
                expect="refuse",
                must_include=["Luzhkov"],
                sources=["https://nowhere.example/x/"],
            )
        ],
        k=5,
    )
    assert wrong.cases[0].failures == [
        "answered, but the archive should not support an answer",
        "answer lacks 'Luzhkov'",
    ]
    worse = json.loads(json.dumps(saved))
    worse["summary"]["overall"]["case_pass"] = saved["summary"]["overall"]["case_pass"] - 0.5
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "report.json").write_text(json.dumps(worse))
    lines, regressed = compare(saved["summary"]["overall"], worse["summary"]["overall"])
    assert regressed and any("REGRESSION" in line for line in lines)
    assert not compare(saved["summary"]["overall"], saved["summary"]["overall"])[1]
    runner = CliRunner()
    result = runner.invoke(
        cli, ["eval", "--compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "b" / "report.json")]
    )
    assert result.exit_code != 0 and "REGRESSION" in result.output
    same = runner.invoke(
        cli, ["eval", "--compare", str(tmp_path / "a" / "report.json"), str(tmp_path / "a" / "report.json")]
    )
    assert same.exit_code == 0


def test_eval_cli_with_a_corpus_uses_its_own_cached_store(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        json.dumps(
            {
                "title": "Harbour bridge reopens",
                "body": "The harbour bridge reopened on Monday after "
                "a two-year refit costing 40 million euros, the city council said.",
                "source": "Port Gazette",
                "url": "https://gazette.example/bridge",
                "published_at": "2024-03-04",
            }
        )
        + "\n"
    )
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps(
            {
                "question": "How much did the harbour bridge refit cost?",
                "must_include": ["40 million"],
                "sources": ["https://gazette.example/bridge"],
            }
        )
        + "\n"
    )
    out = tmp_path / "run"
    runner = CliRunner()
    first = runner.invoke(cli, ["eval", str(cases), "--corpus", str(corpus), "--out", str(out)])
    assert first.exit_code == 0, first.output
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["overall"]["case_pass"] == 1.0
    stores = [p for p in out.iterdir() if p.name.startswith("store-")]
    assert len(stores) == 1
    second = runner.invoke(cli, ["eval", str(cases), "--corpus", str(corpus), "--out", str(out)])
    assert second.exit_code == 0 and "1 unchanged" in second.output
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())  # user's archive untouched
