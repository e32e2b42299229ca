"""The Streamlit faces: the chat page, its sidebar, the evaluation page, and safe rendering."""
