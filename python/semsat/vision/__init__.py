"""Face analysis shared by extraction and metrics: dlib 68-point landmarks and identity embeddings."""
