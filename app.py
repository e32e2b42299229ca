"""Newsroom chat (Streamlit): a thin face over `rag/`."""

from __future__ import annotations

import streamlit as st

from rag.ui import run_app

run_app(st)
