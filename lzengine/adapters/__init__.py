"""Adapters: how the engine reads, writes and deletes ARM resources.

``base`` holds the protocol the engine depends on; ``azure_sdk`` implements it with the typed
Azure management clients (imported lazily). Only the CLI, the composition root, picks and
builds a concrete adapter.
"""
