"""The evaluation: question sets (`*.jsonl` here), their format (`questions`), the metrics of
what a reader sees (`metrics`) and the harness that asks the pipeline (`python -m eval`)."""
