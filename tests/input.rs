//! Reading and validating initiative files: the `validate` and `schema` commands.
