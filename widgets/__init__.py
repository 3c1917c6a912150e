"""Qt widgets of the operator application. They bind to the view-models in ``app.viewmodels`` and never do
network, database or file I/O themselves."""
