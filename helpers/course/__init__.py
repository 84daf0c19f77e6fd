"""The course's own tooling, for maintainers: notebook sources -> notebooks, the runner behind `make run`, the
recorder behind `make record`, the fidelity report, the documentation site. Learners never import it."""
