//! Tests of the tree ensembles: the references' predictions.
