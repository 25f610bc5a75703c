"""The form's slice fixes: a button per column that needs one (DataFrame), or "Rewrite with Athena" (Glue).

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
