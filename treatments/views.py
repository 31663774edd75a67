"""Views of the treatments app."""
