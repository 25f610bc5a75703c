"""The form's slice checks: readiness figures and charts, Athena scan estimates, checks with AWS.

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
