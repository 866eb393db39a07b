"""Facts from article text: sentences, entities, resolved dates."""
