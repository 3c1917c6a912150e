"""The backend's HTTP and WebSocket API (FastAPI routers) and its wire contract (``schemas``)."""
