"""`handmesh train`: AdamW + cosine schedule, mixed precision on GPU, exact resume.

Exact resume: continuing from a checkpoint gives the same weights as not stopping. Every
source of randomness is a function of what the checkpoint holds — the batch order is a
permutation seeded by (seed, epoch), augmentation is seeded by (seed, epoch, item), the
torch RNG (drop path) is saved and restored, and the data loader draws no seeds from it —
and a resumed epoch skips the batches it had already done.

Checkpoints (``RUN_DIR/last.pt``, and ``RUN_DIR/epoch_XXX.pt``) hold the weights, the
optimizer and schedule state, epoch and step, the config and the RNG state; they contain
only tensors and plain containers so `torch.load(weights_only=True)` reads them. They are
written to a temporary file and renamed, so a crash never leaves a half-written one.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler
from tqdm import tqdm

from model.data.freihand import Augmentation, FreiHANDDataset, validation_split
from model.data.freihand_layout import read_split
from model.hand import load_hand
from model.net.config import NetConfig
from model.net.losses import HandMeshLoss
from model.net.network import HandMeshNet, build_network


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 5e-4
    weight_decay: float = 0.05
    warmup_steps: int = 500
    grad_clip: float = 1.0
    validation_fraction: float = 0.05
    seed: int = 0
    workers: int = 2
    max_steps: int | None = None  # stop after this many optimizer steps (for chunked runs)
    checkpoint_every: int = 500  # steps


class EpochPermutation(Sampler[int]):
    """A permutation of the data set seeded by (seed, epoch), optionally skipping a prefix."""

    def __init__(self, size: int, seed: int) -> None:
        self.size, self.seed, self.epoch, self.skip = size, seed, 0, 0

    def __iter__(self):
        order = np.random.default_rng([self.seed, self.epoch]).permutation(self.size)
        return iter(order[self.skip :].tolist())

    def __len__(self) -> int:
        return self.size - self.skip


def cosine_with_warmup(step: int, total: int, warmup: int) -> float:
    """Learning-rate factor: linear warm-up, then cosine decay to 1 % of the peak."""
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.01 + 0.99 * 0.5 * (1.0 + math.cos(math.pi * progress))


class Trainer:
    def __init__(
        self,
        data: Path,
        config: NetConfig,
        run_dir: Path,
        settings: TrainSettings,
        hand_source: str | None = None,
        device: str = "auto",
    ) -> None:
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.config = config
        self.device = torch.device(
            "cuda"
            if device == "auto" and torch.cuda.is_available()
            else ("cpu" if device == "auto" else device)
        )
        torch.manual_seed(settings.seed)
        hand = load_hand(hand_source)
        self.network = build_network(config, hand).to(self.device)
        count = len(read_split(data, "training"))
        train_ids, self.validation_ids = validation_split(
            count, settings.validation_fraction, settings.seed
        )
        self.dataset = FreiHANDDataset(
            data, "training", train_ids, Augmentation(), config.input_size, settings.seed
        )
        self.validation = FreiHANDDataset(
            data, "training", self.validation_ids, None, config.input_size
        )
        self.sampler = EpochPermutation(len(self.dataset), settings.seed)
        self.criterion = HandMeshLoss(
            self.network.faces, self.network.coarse_indices, config.input_size
        ).to(self.device)
        decay, no_decay = [], []
        for name, parameter in self.network.named_parameters():
            (no_decay if parameter.ndim <= 1 or "embedding" in name else decay).append(parameter)
        self.optimizer = torch.optim.AdamW(
            [
                {"params": decay, "weight_decay": settings.weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ],
            lr=settings.learning_rate,
        )
        self.steps_per_epoch = math.ceil(len(self.dataset) / settings.batch_size)
        self.total_steps = self.steps_per_epoch * settings.epochs
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda step: cosine_with_warmup(step, self.total_steps, settings.warmup_steps),
        )
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.device.type == "cuda")
        self.epoch, self.step = 0, 0
        self.log = _Log(self.run_dir)

    # Checkpoints -------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "network": self.network.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "epoch": self.epoch,
            "step": self.step,
            "config": self.config.to_dict(),
            "settings": asdict(self.settings),
            "torch_rng": torch.get_rng_state(),
        }

    def save(self, path: Path) -> Path:
        temporary = path.with_suffix(".tmp")
        torch.save(self.state(), temporary)
        temporary.replace(path)
        return path

    def resume(self, checkpoint: Path) -> None:
        state = torch.load(checkpoint, map_location=self.device, weights_only=True)
        if state["config"] != self.config.to_dict():
            trained = state["config"]["name"]
            wanted = self.config.name
            raise ValueError(f"{checkpoint} was trained with config {trained}, not {wanted}")
        self.network.load_state_dict(state["network"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        self.epoch, self.step = state["epoch"], state["step"]
        torch.set_rng_state(state["torch_rng"].cpu())

    # Training ----------------------------------------------------------------------------
    def train(self, run_evaluation: bool = False, progress: bool = True) -> dict:
        settings = self.settings
        last_metrics: dict = {}
        while self.epoch < settings.epochs:
            done_in_epoch = self.step - self.epoch * self.steps_per_epoch
            self.dataset.set_epoch(self.epoch)
            self.sampler.epoch, self.sampler.skip = self.epoch, done_in_epoch * settings.batch_size
            loader = DataLoader(
                self.dataset,
                batch_size=settings.batch_size,
                sampler=self.sampler,
                num_workers=settings.workers,
                drop_last=False,
                pin_memory=self.device.type == "cuda",
                generator=torch.Generator().manual_seed(
                    settings.seed
                ),  # keeps the global RNG untouched
                persistent_workers=False,
            )
            bar = tqdm(
                loader,
                total=self.steps_per_epoch,
                initial=done_in_epoch,
                disable=not progress,
                desc=f"epoch {self.epoch + 1}/{settings.epochs}",
                unit="step",
            )
            for batch in bar:
                loss, terms = self._train_step(batch)
                bar.set_postfix(loss=f"{loss:.3f}", lr=f"{self.scheduler.get_last_lr()[0]:.2e}")
                self.log.write(
                    {
                        "step": self.step,
                        "epoch": self.epoch,
                        "loss": loss,
                        **{f"loss/{k}": v for k, v in terms.items()},
                        "lr": self.scheduler.get_last_lr()[0],
                    }
                )
                if self.step % settings.checkpoint_every == 0:
                    self.save(self.run_dir / "last.pt")
                if settings.max_steps is not None and self.step >= settings.max_steps:
                    self.save(self.run_dir / "last.pt")
                    return last_metrics
            self.epoch += 1
            self.save(self.run_dir / "last.pt")
            self.save(self.run_dir / f"epoch_{self.epoch:03d}.pt")
            if run_evaluation:
                last_metrics = self.evaluate()
                self.log.write(
                    {
                        "step": self.step,
                        "epoch": self.epoch,
                        **{f"val/{k}": v for k, v in last_metrics.items() if isinstance(v, float)},
                    }
                )
        return last_metrics

    def _train_step(self, batch: dict) -> tuple[float, dict[str, float]]:
        self.network.train()
        batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
        with torch.autocast(
            self.device.type, dtype=torch.float16, enabled=self.device.type == "cuda"
        ):
            outputs = self.network(batch["image"])
            loss, terms = self.criterion(outputs, batch)
        self.optimizer.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.optimizer)
        torch.nn.utils.clip_grad_norm_(self.network.parameters(), self.settings.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()
        self.step += 1
        return float(loss.detach()), {k: float(v.detach()) for k, v in terms.items()}

    def evaluate(self) -> dict:
        from model.evaluate import evaluate_dataset

        return evaluate_dataset(
            self.network, self.validation, self.device, batch_size=self.settings.batch_size
        )


class _Log:
    """Appends training records to RUN_DIR/log.jsonl, and to TensorBoard when installed."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / "log.jsonl"
        try:
            from torch.utils.tensorboard import SummaryWriter

            self.board = SummaryWriter(str(run_dir / "tensorboard"))
        except ImportError:
            self.board = None

    def write(self, record: dict) -> None:
        with open(self.path, "a") as file:
            file.write(json.dumps({"time": time.time(), **record}) + "\n")
        if self.board is not None:
            for key, value in record.items():
                if key not in ("step", "epoch") and isinstance(value, float):
                    self.board.add_scalar(key, value, record["step"])


def load_network(
    checkpoint: Path, hand_source: str | None = None, device: str = "cpu"
) -> HandMeshNet:
    """A trained network from a checkpoint (weights-only load), in eval mode."""
    state = torch.load(checkpoint, map_location=device, weights_only=True)
    config = NetConfig(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in state["config"].items()}
    )
    network = build_network(config, load_hand(hand_source))
    network.load_state_dict(state["network"])
    return network.to(device).eval()
