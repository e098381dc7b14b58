"""Scoring the extractor: entities and relations on SciERC, paper roles on hand-annotated papers."""
