"""`semsat-bench paper`: the paper's tables on the development corpus (docs/bench-paper.md)."""
