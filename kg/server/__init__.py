"""The read-only SPARQL 1.1 endpoint: the HTTP app, its query worker processes and its query guard."""
