"""Maps the iris class ids a classifier predicts to species names (shipped with the model as code)."""

SPECIES = {0: "setosa", 1: "versicolor", 2: "virginica"}


def to_species(class_ids):
    return [SPECIES[int(i)] for i in class_ids]
