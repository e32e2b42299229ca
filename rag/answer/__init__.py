"""Turning a question and passages into a cited answer: the `Answerer` protocol, quote and LLM answerers, the engine."""
