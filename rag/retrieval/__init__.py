"""Finding passages: the hybrid retriever (dense + BM25, fused, outlet-aware) and its LangChain adapter."""
