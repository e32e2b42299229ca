"""The Streamlit app driven by `streamlit.testing.v1.AppTest` (real archive, real model)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rag.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


def test_app_seeds_itself_and_answers_with_citations() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    assert "1 articles" in at.caption[0].value
    at.chat_input[0].set_value("How many drones did Sergei Shoigu say Ukraine used?").run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "eight drones" in texts and "[1]" in texts
    assert any("[1]" in e.label for e in at.expander)
