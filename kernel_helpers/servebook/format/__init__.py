"""The MLflow Model format: what a model directory holds, and how servebook writes and reads it.

* :mod:`.mlmodel`: the ``MLmodel`` file (:class:`~.mlmodel.Model`) and the directory layout;
* :mod:`.save`: ``save_model``, atomic; :mod:`.load`: ``load_model`` and ``PyFuncModel``;
* :mod:`.python_model`: the ``PythonModel`` base class and ``PythonModelContext``;
* :mod:`.requirements`: inferred requirements and the environment files;
* :mod:`.input_example`: ``input_example.json`` and ``serving_input_example.json``;
* :mod:`.pickling`: cloudpickle in and out, under MLflow's class names;
* :mod:`.code_paths`: the scoped import of a model's ``code/``;
* :mod:`.flavors`: the loaders of the ``loader_module`` values servebook understands.

Importing this package imports none of them; reading ``MLmodel`` never imports or unpickles model code.
"""
