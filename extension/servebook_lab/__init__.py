"""servebook_lab: the Jupyter server extension behind the servebook JupyterLab panel."""
