"""Backbone Studio core: models, data, training and prediction. Never imports Qt."""

import os

__version__ = "0.1.0"

# PyTorch's CPU kernels run on an OpenMP pool whose threads spin while they wait for work. In a
# desktop app they share the cores with the UI thread, image decoding and whatever else the
# computer is doing, and spinning threads then starve each other: measured here, one
# MobileNetV3 training step took 8.2 s with the default policy and 0.25 s with passive waiting
# while one other process was busy on the 2-core machine. It only takes effect if set before
# torch is first imported; a value the user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
