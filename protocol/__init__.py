"""HandMesh-RT wire protocol v1: message types, msgpack codec, validation, golden vectors.

Depends on nothing else in this project, so any client can vendor it.
"""
