"""Views of the patients app."""
