"""The form's slice columns and roles: the role of each column, and what the grid shows about it.

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
