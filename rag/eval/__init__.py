"""The scripted Q&A evaluation: cases, metrics, the run through the chat engine, reports."""
