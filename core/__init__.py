"""Backbone Studio core: models, data, training and prediction. Never imports Qt."""

__version__ = "0.1.0"
