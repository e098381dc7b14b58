"""Training the shipped recognizer and relation classifier (torch only for the full fine-tune)."""
