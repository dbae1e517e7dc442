"""The classic MLflow custom-pyfunc tutorial: runs unchanged with servebook and with MLflow.

A LogisticRegression on iris is saved with joblib and logged as an artifact of a custom
PythonModel; custom_code.py travels with the model (code_paths) and maps class ids to species
names. The tracking URI comes from MLFLOW_TRACKING_URI. The last line printed is a JSON summary.
Usage: python iris_tutorial.py <work dir>
"""

import json
import os
import sys

try:
    import servebook as mlflow
except ImportError:  # the MLflow virtualenv: the same code, run by MLflow itself
    import mlflow
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
work = sys.argv[1]
sys.path.insert(0, HERE)
from custom_code import to_species  # noqa: E402  (checked locally before logging)


class IrisSpecies(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        # code_paths modules are imported while the model loads (servebook scopes them to loading)
        from custom_code import to_species

        self.classifier = joblib.load(context.artifacts["classifier"])
        self.to_species = to_species

    def predict(self, context, model_input, params=None):
        return self.to_species(self.classifier.predict(model_input))


X, y = load_iris(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
classifier = LogisticRegression(max_iter=500).fit(X_train, y_train)
classifier_path = os.path.join(work, "classifier.joblib")
joblib.dump(classifier, classifier_path)

mlflow.set_experiment("iris-custom-pyfunc")
with mlflow.start_run() as run:
    accuracy = float(classifier.score(X_test, y_test))
    mlflow.log_param("max_iter", 500)
    mlflow.log_metric("accuracy", accuracy)
    signature = mlflow.models.infer_signature(X_test, classifier.predict(X_test))
    model_info = mlflow.pyfunc.log_model(
        artifact_path="artifacts",
        python_model=IrisSpecies(),
        artifacts={"classifier": classifier_path},
        code_paths=[os.path.join(HERE, "custom_code.py")],
        signature=signature,
        pip_requirements=["scikit-learn", "joblib", "pandas"],
    )

loaded = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/artifacts")
predictions = list(loaded.predict(X_test.head(6)))
assert predictions == to_species(classifier.predict(X_test.head(6))), predictions
print(
    json.dumps(
        {
            "run_id": run.info.run_id,
            "experiment_id": run.info.experiment_id,
            "accuracy": accuracy,
            "predictions": predictions,
            "model_uri": f"runs:/{run.info.run_id}/artifacts",
        }
    )
)
