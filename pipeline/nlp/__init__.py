"""The spaCy pipeline: custom components over pure helpers, assembled in `build.py`."""
