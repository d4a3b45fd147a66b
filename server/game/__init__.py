"""The demo game as an ML-Agents environment: Python drives the Unity scene in lock-step.

One Unity step per Python step, so a recorded stream, a live server or a policy plays the
game deterministically: regression tests of the scene, a task-level score for a model
(grabs, drops, deliveries into targets) and the engine's own apply times. Modules, one job
each: `actions` (the agent's action layout, derived from the protocol's `hand` table),
`observations` (the scene's observation layout), `events` (the game-event message),
`side_channel` (protocol messages as raw bytes both ways), `communicator` (mlagents-envs'
gRPC server bound to loopback), `env` (the Gym-style `HandGameEnv`), `sources` (replay,
server and policy pose sources), `play` (episodes and their report) and `cli`
(``handmesh play``).

Needs the ``mlagents`` extra (mlagents-envs 0.28.0, protobuf 3.20.3); only `env`,
`communicator` and `side_channel` import it, so the rest loads without it.
"""
