"""The form's slice "Create service role": a proposed name, both policies, one click.

``_model.py`` holds the traitlets model (state and logic, driven by tests without a browser);
``_view.py`` the thin ipywidgets view bound to it (loaded with the form's view only).
"""
