"""HandMesh-RT server side: the ZeroMQ inference server, clients, record/replay, benchmarks."""
