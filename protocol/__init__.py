"""HandMesh-RT wire protocol v1: messages, msgpack codec, validation, golden vectors.

PROTOCOL.md is the normative spec. Modules, one job each: `messages` (the dataclasses),
`schemas` (each message's wire keys and cross-field rules), `schema` (the field kinds that
convert and validate values), `arrays` (numpy arrays on the wire), `images` (JPEG header,
pixel formats), `codec` (``encode``/``decode``: bytes ↔ messages, within `limits`),
`errors` (`ProtocolError`, error codes), `skeleton` (keypoint and joint order), `vectors`
(golden vectors), `bench` and `cli` (``handmesh vectors``, ``handmesh bench codec``).

Depends on nothing else in this project (numpy and msgpack; pyzmq for the benchmark).
"""
