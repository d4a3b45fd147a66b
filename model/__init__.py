"""HandMesh-RT model side: the hand model, the network, data sets, training and evaluation."""
