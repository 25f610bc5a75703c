"""The form's slice submit: what blocks it, acknowledging warnings, sending once, reuse after a conflict.

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
