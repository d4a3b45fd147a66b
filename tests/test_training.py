"""Training: a few steps lower the loss, exact resume, checkpoints load weights-only."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from model.data.synth import SynthSettings, generate
from model.net.config import get_config
from model.train import Trainer, TrainSettings, load_network

# A very small network so CPU tests take seconds; same classes as the real configs.
MICRO = get_config("micro")


@pytest.fixture(scope="module")
def synthetic_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("train_data")
    generate(root, 24, SynthSettings(seed=9), workers=1, progress=False)
    return root


def settings(**overrides) -> TrainSettings:
    base = TrainSettings(
        epochs=2,
        batch_size=4,
        warmup_steps=2,
        validation_fraction=0.2,
        workers=0,
        checkpoint_every=1000,
        learning_rate=1e-3,
    )
    return dataclasses.replace(base, **overrides)


def test_training_steps_lower_the_loss_on_their_batch(synthetic_data, tmp_path):
    trainer = Trainer(synthetic_data, MICRO, tmp_path, settings(learning_rate=2e-3, warmup_steps=1))
    batch = next(iter(torch.utils.data.DataLoader(trainer.dataset, batch_size=4)))

    def loss_now() -> float:
        trainer.network.eval()
        with torch.no_grad():
            return float(trainer.criterion(trainer.network(batch["image"]), batch)[0])

    before = loss_now()
    for _ in range(3):
        trainer._train_step(batch)
    assert loss_now() < before


def test_only_weight_matrices_and_kernels_are_weight_decayed(synthetic_data, tmp_path):
    # Decaying a layer scale or a norm's gain pulls a block's output towards zero.
    trainer = Trainer(synthetic_data, MICRO, tmp_path, settings())
    decayed, kept = ({id(p) for p in group["params"]} for group in trainer.optimizer.param_groups)
    modules = dict(trainer.network.named_modules())
    for name, parameter in trainer.network.named_parameters():
        owner_name, _, leaf = name.rpartition(".")
        owner = modules[owner_name]
        kernel_owner = torch.nn.Linear | torch.nn.Conv2d | torch.nn.MultiheadAttention
        is_kernel = isinstance(owner, kernel_owner) and leaf.endswith("weight")
        assert (id(parameter) in decayed) == is_kernel, name
        assert (id(parameter) in kept) != is_kernel, name


def test_resuming_from_a_checkpoint_gives_the_same_weights_as_not_stopping(
    synthetic_data, tmp_path
):
    straight = Trainer(synthetic_data, MICRO, tmp_path / "straight", settings())
    straight.train(progress=False)  # 2 epochs × 5 steps, crossing an epoch boundary

    first = Trainer(synthetic_data, MICRO, tmp_path / "stopped", settings(max_steps=7))
    first.train(progress=False)  # stops mid-way through the second epoch
    resumed = Trainer(synthetic_data, MICRO, tmp_path / "stopped", settings())
    resumed.resume(tmp_path / "stopped" / "last.pt")
    assert resumed.step == 7
    resumed.train(progress=False)

    for name, value in straight.network.state_dict().items():
        assert torch.equal(value, resumed.network.state_dict()[name]), name


def test_checkpoint_loads_with_weights_only_and_rebuilds_the_network(synthetic_data, tmp_path):
    trainer = Trainer(synthetic_data, MICRO, tmp_path, settings(max_steps=1))
    trainer.train(progress=False)
    state = torch.load(tmp_path / "last.pt", weights_only=True)
    assert {"network", "optimizer", "scheduler", "epoch", "step", "config", "torch_rng"} <= set(
        state
    )
    network = load_network(tmp_path / "last.pt")
    image = torch.rand(1, 3, 224, 224)
    with torch.no_grad():
        expected = trainer.network.eval()(image)["joints"]
        assert torch.allclose(network(image)["joints"], expected)


def test_resuming_with_another_config_is_refused(synthetic_data, tmp_path):
    Trainer(synthetic_data, MICRO, tmp_path, settings(max_steps=1)).train(progress=False)
    other = dataclasses.replace(MICRO, decoder_layers=2)
    with pytest.raises(ValueError, match="trained with config"):
        Trainer(synthetic_data, other, tmp_path, settings()).resume(tmp_path / "last.pt")


def test_the_network_overfits_16_samples_to_under_5mm(tmp_path):
    # The architecture can fit what it is shown: 16 synthetic hands, no augmentation, plain
    # AdamW on the production loss. Takes a few minutes on two cores (600 steps).
    from model.data.freihand import FreiHANDDataset
    from model.hand import load_builtin_hand
    from model.metrics import aligned_errors
    from model.net.losses import HandMeshLoss
    from model.net.network import build_network

    generate(tmp_path, 16, SynthSettings(seed=2, left_fraction=0.0), workers=1, progress=False)
    batch = next(iter(torch.utils.data.DataLoader(FreiHANDDataset(tmp_path), batch_size=16)))
    torch.manual_seed(0)
    config = dataclasses.replace(
        MICRO, decoder_dim=128, decoder_layers=2, decoder_heads=4, drop_path=0.0
    )
    network = build_network(config, load_builtin_hand())
    criterion = HandMeshLoss(network.faces, network.coarse_indices, 224)
    optimizer = torch.optim.AdamW(network.parameters(), lr=2e-3, weight_decay=0.0)
    network.train()
    for _ in range(600):
        loss, _ = criterion(network(batch["image"]), batch)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
        optimizer.step()
    network.eval()
    with torch.no_grad():
        joints = network(batch["image"])["joints"]
    errors, _ = aligned_errors(batch["joints"].double().numpy(), joints.double().numpy())
    assert errors.mean() * 1000 < 5.0
