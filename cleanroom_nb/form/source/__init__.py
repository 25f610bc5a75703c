"""The form's slice the source: a Glue database and table, or where a DataFrame is registered.

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
