"""The Turkish soft-skills classifier: base encoder, training, inference."""
