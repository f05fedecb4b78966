"""Reusable widgets: the drop zone, the prediction results view, live plots, confusion matrix."""
