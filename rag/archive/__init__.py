"""The knowledge base: embeddings, the Chroma store and article registry, the BM25 index, filters, the write lock."""
