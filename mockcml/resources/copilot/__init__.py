"""Copilot: the language and embedding models a workspace's AI assistant may use, and the
usage events its editors send."""
