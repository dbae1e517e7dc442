"""Models used by the format tests (importable, so tests save them with ``by_value=True``)."""

from __future__ import annotations

import json

import servebook as sb


class Doubler(sb.PythonModel):
    """Multiplies the sum of each row by the factor stored in the ``weights`` artifact."""

    def load_context(self, context):
        with open(context.artifacts["weights"]) as file:
            self.factor = json.load(file)["factor"]

    def predict(self, context, model_input, params=None):
        scale = (params or {}).get("scale", 1.0)
        return model_input.sum(axis=1) * self.factor * scale


class NoContext(sb.PythonModel):
    def predict(self, model_input):
        return model_input * 3


class Echo:
    """Not a PythonModel subclass: any object with predict (and load_context) can be saved."""

    def load_context(self, context):
        self.config = dict(context.model_config)

    def predict(self, context, model_input, params=None):
        return {"input": model_input, "params": params, "config": self.config}
